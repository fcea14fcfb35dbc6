/// # The tape
///
/// Reverse-mode automatic differentiation, the way micrograd teaches it but with whole tensors per node.
/// Every differentiable operation on ``Var``s computes its result with a ``Tensor`` kernel and appends one
/// node to a ``Tape``: the result, and a small record (``Op``) naming the inputs and whatever the backward
/// pass needs. Nodes are appended in execution order, so the tape is already topologically sorted:
/// ``Tape/backward(from:seed:)`` walks it once from the end, and each node's backward adds its inputs'
/// gradients. No closures are allocated per operation and nothing is boxed in an existential; the backward
/// rules live in the op files beside the forwards, dispatched by one `switch`.
///
/// **An explicit tape, carried by each variable.** A ``Var`` is a (tape, index) pair, so an expression
/// like `(x.matmul(w) + b).tanh()` never names the tape: only the leaves do (``Tape/constant(_:)``,
/// ``Tape/variable(_:)``, ``Tape/parameter(_:)`` or `tape[p]`). We chose this over a global "current
/// tape" because there is no hidden state: tests and seeds run in parallel on their own tapes, a
/// variable from an old tape can never be silently mixed into a new one (that stops with an error
/// naming the op), and the lifetime of a graph is simply the lifetime of its tape object.
///
/// **Parameters** are reference-held (``Parameter``). Reading one onto a tape records a leaf (once per tape);
/// backward *adds* into `parameter.grad`, and you zero gradients explicitly (``Swift/Array/zeroGradients()``).
///
/// **−∞ safety.** Every elementwise backward gives an exactly zero gradient where its incoming gradient is
/// zero (never `0 · ∞ = NaN`), ``select(_:_:_:)`` gives the unselected branch an exact zero, and
/// ``Var/logSumExp(axis:keepDims:)`` is −∞ with zero gradient for an all-(−∞) row.
///
/// A training step:
/// ```swift
/// let tape = Tape()
/// let x = tape.constant(batch)
/// let loss = (model(x) - tape.constant(target)).squared().mean()
/// loss.backward()            // parameters' .grad now hold ∂loss/∂p (added)
/// optimiser.step()           // Adam
/// model.parameters.zeroGradients()
/// ```
public final class Tape {
    var values: [Tensor] = []
    var ops: [Op] = []
    var needsGrad: [Bool] = []
    var grads: [Tensor?] = []
    var parameterNodes: [ObjectIdentifier: Int] = [:]

    /// An empty tape.
    public init() {
        values.reserveCapacity(64)
        ops.reserveCapacity(64)
        needsGrad.reserveCapacity(64)
    }

    /// The number of recorded nodes.
    public var count: Int { values.count }

    @inline(__always)
    func record(_ value: Tensor, _ op: Op, needsGrad flag: Bool) -> Var {
        values.append(value)
        ops.append(flag ? op : .leaf)
        needsGrad.append(flag)
        return Var(tape: self, index: values.count &- 1)
    }

    /// A value that receives no gradient (data, masks, targets).
    public func constant(_ value: Tensor) -> Var { record(value, .leaf, needsGrad: false) }

    /// A scalar constant.
    public func constant(_ value: Float) -> Var { constant(Tensor(value)) }

    /// A leaf that receives a gradient, read after ``backward(from:seed:)`` with ``Var/grad``.
    public func variable(_ value: Tensor) -> Var { record(value, .leaf, needsGrad: true) }

    /// The parameter's current value as a leaf; backward adds into `parameter.grad`. Reading the same
    /// parameter twice on one tape returns the same node.
    public func parameter(_ parameter: Parameter) -> Var {
        let key = ObjectIdentifier(parameter)
        if let i = parameterNodes[key] { return Var(tape: self, index: i) }
        let v = record(parameter.value, .parameter(parameter), needsGrad: true)
        parameterNodes[key] = v.index
        return v
    }

    /// Shorthand for ``parameter(_:)``: `tape[w]`.
    public subscript(parameter: Parameter) -> Var { self.parameter(parameter) }

    /// Back-propagates from `root`: a scalar (seed 1) unless `seed`, of the root's shape, is given.
    /// Parameters' gradients are *added* to; leaves made with ``variable(_:)`` keep theirs for ``Var/grad``.
    public func backward(from root: Var, seed: Tensor? = nil) {
        guard root.tape === self else { fatalError("backward: the variable belongs to another tape") }
        let rootValue = values[root.index]
        let s: Tensor
        if let seed {
            guard seed.shape == rootValue.shape else {
                fatalError("backward: seed shape \(seed.shape) differs from the root's shape \(rootValue.shape)")
            }
            s = seed
        } else {
            guard rootValue.count == 1 else {
                fatalError("backward: the root has shape \(rootValue.shape); give a seed or reduce it to a scalar")
            }
            s = Tensor(shape: rootValue.shape, repeating: 1)
        }
        grads = [Tensor?](repeating: nil, count: values.count)
        guard needsGrad[root.index] else { return }
        grads[root.index] = s
        var i = root.index
        while i >= 0 {
            defer { i -= 1 }
            guard needsGrad[i], hasGradient(i) else { continue }
            switch ops[i] {
            case .leaf, .output:
                continue  // an `.output` keeps its gradient for the node that computed it (below it on the tape)
            case let .custom(inputs, outputs, backward):
                let g = grads[i]
                grads[i] = nil
                backwardCustom(i, inputs, outputs, backward, g)
            case .parameter(let p):
                let g = grads[i]!
                guard p.grad.shape == g.shape else {
                    fatalError("backward: parameter '\(p.name)' has gradient shape \(p.grad.shape) but its node has \(g.shape) (was its value reshaped after being read?)")
                }
                p.grad.addInPlace(g)
            default:
                let g = grads[i]!
                grads[i] = nil
                propagate(i, g)
            }
        }
    }

    /// The gradient a leaf received in the last backward pass (zeros if it received none).
    public func gradient(of v: Var) -> Tensor {
        guard v.tape === self else { fatalError("gradient(of:): the variable belongs to another tape") }
        if v.index < grads.count, let g = grads[v.index] { return g }
        return Tensor.zeros(values[v.index].shape)
    }

    /// Adds `g` to node `i`'s gradient (if it needs one).
    @inline(__always)
    func accumulate(_ i: Int, _ g: @autoclosure () -> Tensor) {
        guard needsGrad[i] else { return }
        let grad = g()
        guard grad.shape == values[i].shape else {
            fatalError("internal: gradient of shape \(grad.shape) for a node of shape \(values[i].shape) (op \(ops[i]))")
        }
        if grads[i] == nil { grads[i] = grad } else { grads[i]!.addInPlace(grad) }
    }

    @inline(__always)
    func checkSame(_ a: Var, _ b: Var, op: String) {
        guard a.tape === self && b.tape === self else {
            fatalError("\(op): operands of shapes \(a.shape) and \(b.shape) are on different tapes")
        }
    }
}

/// A differentiable tensor: a node on a ``Tape``. Cheap to copy (a reference and an index).
public struct Var: CustomStringConvertible {
    /// The tape this variable's node lives on.
    public let tape: Tape
    /// The node's position on the tape.
    public let index: Int

    /// The forward value.
    public var value: Tensor { tape.values[index] }
    /// The forward value's shape.
    public var shape: Shape { tape.values[index].shape }
    /// The only element of a one-element variable.
    public var scalar: Float { tape.values[index].scalar }
    /// The gradient from the last backward pass (for leaves made with ``Tape/variable(_:)``).
    public var grad: Tensor { tape.gradient(of: self) }
    /// Whether a gradient flows to this node from some leaf that wants one.
    public var requiresGradient: Bool { tape.needsGrad[index] }

    /// Back-propagates from this scalar.
    public func backward() { tape.backward(from: self) }

    public var description: String { "Var#\(index) \(value)" }
}
