import Foundation

/// Anything holding trainable parameters.
public protocol Layer {
    /// Every trainable parameter, in a fixed order (names unique within a model).
    var parameters: [Parameter] { get }
}

/// The nonlinearity between layers of an ``MLP`` or ``MADE``.
public enum Activation: Sendable {
    case identity, tanh, relu, sigmoid, softplus
    /// `x` for x > 0, `slope · x` otherwise.
    case leakyRelu(Float)

    /// Applies the activation.
    public func callAsFunction(_ x: Var) -> Var {
        switch self {
        case .identity: return x
        case .tanh: return x.tanh()
        case .relu: return x.relu()
        case .sigmoid: return x.sigmoid()
        case .softplus: return x.softplus()
        case .leakyRelu(let slope): return select(x .> 0, x, x * slope)
        }
    }
}

/// `y = x · W + b` with `W: [inputs, outputs]`; `x` may have leading batch dimensions `[…, inputs]`.
public struct Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?

    /// Weights uniform in `±1/√inputs` (and the bias likewise); parameters named `name.weight`, `name.bias`.
    public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, name: String, random: inout RandomSource) {
        let bound = 1 / Float(Swift.max(inputs, 1)).squareRoot()
        weight = Parameter(name: "\(name).weight",
                           value: Tensor.uniform([inputs, outputs], low: -bound, high: bound, using: &random))
        self.bias = bias
            ? Parameter(name: "\(name).bias", value: Tensor.uniform([outputs], low: -bound, high: bound, using: &random))
            : nil
    }

    public var inputs: Int { weight.shape[0] }
    public var outputs: Int { weight.shape[1] }
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public func callAsFunction(_ x: Var) -> Var {
        guard x.shape.rank >= 1, x.shape[x.shape.rank - 1] == inputs else {
            fatalError("Linear '\(weight.name)': input shape \(x.shape) does not end in \(inputs)")
        }
        let y = x.matmul(x.tape[weight])
        return bias.map { y + x.tape[$0] } ?? y
    }
}

/// A multilayer perceptron: `Linear` layers with an activation between them (none after the last).
public struct MLP: Layer {
    public let layers: [Linear]
    public let activation: Activation

    /// `sizes` lists the widths from input to output, e.g. `[2, 64, 64, 1]`.
    public init(_ sizes: [Int], activation: Activation = .relu, name: String, random: inout RandomSource) {
        guard sizes.count >= 2 else { fatalError("MLP '\(name)': needs at least input and output sizes, got \(sizes)") }
        layers = (0..<(sizes.count - 1)).map { Linear(sizes[$0], sizes[$0 + 1], name: "\(name).\($0)", random: &random) }
        self.activation = activation
    }

    public var parameters: [Parameter] { layers.flatMap { $0.parameters } }

    public func callAsFunction(_ x: Var) -> Var {
        var h = x
        for (i, layer) in layers.enumerated() {
            h = layer(h)
            if i < layers.count - 1 { h = activation(h) }
        }
        return h
    }
}
