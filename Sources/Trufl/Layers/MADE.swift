/// MADE (Germain et al. 2015): an MLP whose weights are masked so that output `d` depends only on inputs
/// `0 ..< d` — an autoregressive network in one pass.
///
/// Degrees: input `i` has degree `i + 1`; hidden units cycle through degrees `1 … D−1` (`0 … D−1` with a
/// context, so that the first dimension's outputs are conditioned on the context as well); the outputs of
/// dimension `d` have degree `d + 1`. A hidden unit sees inputs of degree ≤ its own; an output sees hidden
/// units of degree < its own. With `outputsPerDimension = M` the result is `[batch, D, M]` (e.g. mixture
/// parameters per dimension). An optional context (say an LSTM state) feeds every first-layer unit unmasked.
public struct MADE: Layer {
    public let dimension: Int
    public let outputsPerDimension: Int
    public let layers: [Linear]
    /// One `[inputs, outputs]` 0/1 mask per layer.
    public let masks: [Tensor]
    public let context: Linear?
    public let activation: Activation

    public init(dimension: Int, hidden: [Int], outputsPerDimension: Int = 1, contextSize: Int = 0,
                activation: Activation = .relu, name: String, random: inout RandomSource) {
        guard dimension >= 1, outputsPerDimension >= 1 else {
            fatalError("MADE '\(name)': dimension \(dimension) and outputs per dimension \(outputsPerDimension) must be ≥ 1")
        }
        self.dimension = dimension
        self.outputsPerDimension = outputsPerDimension
        self.activation = activation
        let sizes = [dimension] + hidden + [dimension * outputsPerDimension]
        var degrees: [[Int]] = [(0..<dimension).map { $0 + 1 }]
        for width in hidden {
            // With a context, degree-0 units (which see only the context) let output 0 depend on it too.
            degrees.append((0..<width).map {
                contextSize > 0 ? $0 % dimension : (dimension > 1 ? $0 % (dimension - 1) + 1 : 0)
            })
        }
        degrees.append((0..<(dimension * outputsPerDimension)).map { $0 / outputsPerDimension + 1 })
        var layers: [Linear] = []
        var masks: [Tensor] = []
        for l in 0..<(sizes.count - 1) {
            layers.append(Linear(sizes[l], sizes[l + 1], name: "\(name).\(l)", random: &random))
            let last = l == sizes.count - 2
            var mask = Tensor.zeros([sizes[l], sizes[l + 1]])
            for i in 0..<sizes[l] {
                for k in 0..<sizes[l + 1] {
                    let (din, dout) = (degrees[l][i], degrees[l + 1][k])
                    if last ? dout > din : dout >= din { mask.scalars[i * sizes[l + 1] + k] = 1 }
                }
            }
            masks.append(mask)
        }
        self.layers = layers
        self.masks = masks
        context = contextSize > 0 ? Linear(contextSize, sizes[1], bias: false, name: "\(name).context", random: &random) : nil
    }

    public var parameters: [Parameter] { layers.flatMap { $0.parameters } + (context?.parameters ?? []) }

    /// `x: [batch, D]` (and `context: [batch, contextSize]`) → `[batch, D, outputsPerDimension]`.
    public func callAsFunction(_ x: Var, context c: Var? = nil) -> Var {
        guard x.shape.rank == 2, x.shape[1] == dimension else {
            fatalError("MADE: input shape \(x.shape) is not [batch, \(dimension)]")
        }
        if (c == nil) != (context == nil) {
            fatalError("MADE: built with context size \(context?.inputs ?? 0) but called \(c == nil ? "without" : "with") a context")
        }
        let tape = x.tape
        var h = x
        for (l, layer) in layers.enumerated() {
            var y = h.matmul(tape[layer.weight] * masks[l])
            if let b = layer.bias { y = y + tape[b] }
            if l == 0, let context, let c { y = y + context(c) }
            h = l < layers.count - 1 ? activation(y) : y
        }
        return h.reshaped([x.shape[0], dimension, outputsPerDimension])
    }
}
