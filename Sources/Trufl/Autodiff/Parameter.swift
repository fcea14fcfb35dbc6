/// A trainable tensor: a named, reference-held value with an accumulated gradient.
///
/// Read it onto a tape with `tape[p]` (or ``Tape/parameter(_:)``); ``Tape/backward(from:seed:)`` adds
/// into ``grad``; an optimiser updates ``value``; zero the gradient yourself before the next step.
public final class Parameter: CustomStringConvertible {
    /// A name unique within its model (checkpoints match parameters by name).
    public let name: String
    /// The current value. Keep its shape: checkpoints and gradients assume it never changes.
    public var value: Tensor
    /// The gradient accumulated since the last ``zeroGradient()``.
    public var grad: Tensor

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.grad = Tensor.zeros(value.shape)
    }

    /// The value's shape.
    public var shape: Shape { value.shape }

    /// Sets the gradient to zero.
    public func zeroGradient() { grad = Tensor.zeros(value.shape) }

    public var description: String { "Parameter '\(name)' \(value.shape)" }
}

extension Array where Element == Parameter {
    /// Sets every parameter's gradient to zero.
    public func zeroGradients() { for p in self { p.zeroGradient() } }

    /// The Euclidean norm of all gradients taken together.
    public var gradientNorm: Float { Float(reduce(0) { $0 + $1.grad.squaredNorm }.squareRoot()) }

    /// Scales all gradients down so that their joint norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    public func clipGradients(maxNorm: Float) -> Float {
        let norm = gradientNorm
        if norm > maxNorm && norm.isFinite {
            let s = maxNorm / norm
            for p in self { p.grad = p.grad * s }
        }
        return norm
    }

    /// The total number of scalars.
    public var scalarCount: Int { reduce(0) { $0 + $1.value.count } }
}
