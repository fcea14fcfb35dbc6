/// A mixture-of-logistics CDF coupling over the nodes of a batch of graphs, for latents `z: [nodes, D]`
/// (D ≥ 2 per node, Table 6). The latent dimensions split in two halves; a graph-attention network reads
/// each node's conditioning half together with its neighbours' and outputs, per node, the mixture and
/// affine parameters that transform its other half (the same transform as ``MixtureLogisticCoupling``).
public struct GraphMixtureCoupling: Layer {
    let split: CouplingSplit
    public let mixtures: Int
    public let embed: Linear
    public let layers: [GraphAttention]
    public let head: Linear

    public init(latentsPerNode: Int, parity: Int, mixtures: Int = 4, hidden: Int = 64, graphLayers: Int = 3,
                activation: Activation = .relu, name: String, random: inout RandomSource) {
        guard latentsPerNode >= 2 else { fatalError("GraphMixtureCoupling needs at least 2 latents per node, got \(latentsPerNode)") }
        split = CouplingSplit(dimension: latentsPerNode, parity: parity)
        self.mixtures = mixtures
        embed = Linear(split.conditioning.count, hidden, name: "\(name).embed", random: &random)
        layers = (0..<graphLayers).map { GraphAttention(features: hidden, hidden: hidden, activation: activation, name: "\(name).gat\($0)", random: &random) }
        head = Linear(hidden, split.transformed.count * (3 * mixtures + 2), name: "\(name).head", random: &random)
    }

    public var parameters: [Parameter] { embed.parameters + layers.flatMap { $0.parameters } + head.parameters }

    func transformParameters(_ conditioning: Var, graph: GraphStructure) -> (Var, Var, Var, Var, Var) {
        // tanh bounds the embedding, so that with bounded updates the mixture parameters stay bounded
        // however large z grows: the couplings then keep the base's logistic tails.
        var h = embed(conditioning).tanh()
        for layer in layers { h = layer(h, graph: graph) }
        let n = split.transformed.count, m = mixtures
        let out = head(h).reshaped([conditioning.shape[0], n, 3 * m + 2])
        let (low, high) = MixtureOfLogistics.logScaleRange
        return (out.slice(axis: 2, 0..<m), out.slice(axis: 2, m..<(2 * m)),
                out.slice(axis: 2, (2 * m)..<(3 * m)).clamped(low, high),
                out.slice(axis: 2, (3 * m)..<(3 * m + 1)).reshaped([-1, n]).tanh(),
                out.slice(axis: 2, (3 * m + 1)..<(3 * m + 2)).reshaped([-1, n]))
    }

    /// `z: [nodes, D]` → (`u: [nodes, D]`, log|det| per node `[nodes]`).
    public func forward(_ z: Var, graph: GraphStructure) -> (Var, Var) {
        let (a, b) = split.split(z)
        let (logits, means, logScales, scale, shift) = transformParameters(a, graph: graph)
        let (logF, logOneMinusF) = MixtureOfLogistics.logCDF(b, logits: logits, means: means, logScales: logScales)
        let logDensity = MixtureOfLogistics.logDensity(b, logits: logits, means: means, logScales: logScales)
        let u = (logF - logOneMinusF) * scale.exp() + shift
        return (split.merge(a, u), (logDensity - logF - logOneMinusF + scale).sum(axis: 1))
    }

    /// `u: [nodes, D]` → `z`, inverting each node's mixture CDF by bisection.
    public func inverse(_ u: Tensor, graph: GraphStructure) -> Tensor {
        let (a, ub) = split.split(u)
        let (logits, means, logScales, scale, shift) = transformParameters(Tape().constant(a), graph: graph)
        let rows = u.shape[0], n = split.transformed.count, m = mixtures
        var b = Tensor.zeros([rows, n])
        for e in 0..<(rows * n) {
            let t = Double(ub.scalars[e] - shift.value.scalars[e]) * Double.exp(-Double(scale.value.scalars[e]))
            let range = (e * m)..<(e * m + m)
            b.scalars[e] = Float(MixtureOfLogistics.quantile(
                Logistic.sigmoid(t), logits: Array(logits.value.scalars[range]), means: Array(means.value.scalars[range]),
                logScales: Array(logScales.value.scalars[range])))
        }
        return split.merge(a, b)
    }
}
