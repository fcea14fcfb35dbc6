/// A mixture-of-logistics CDF coupling over the nodes of a batch of graphs, for latents `z: [nodes, D]`
/// (D ≥ 2 per node, Table 6). The latent dimensions split in two halves; a graph-attention network reads
/// each node's conditioning half together with its neighbours' and outputs, per node, the parameters of
/// the ``MixtureCDFTransform`` that maps its other half.
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
        head = Linear(hidden, split.transformed.count * MixtureCDFTransform.width(mixtures: mixtures), name: "\(name).head", random: &random)
    }

    public var parameters: [Parameter] { embed.parameters + layers.flatMap { $0.parameters } + head.parameters }

    func transform(_ conditioning: Var, graph: GraphStructure) -> MixtureCDFTransform {
        // tanh bounds the embedding, so that with bounded updates the mixture parameters stay bounded
        // however large z grows: the couplings then keep the base's logistic tails.
        var h = embed(conditioning).tanh()
        for layer in layers { h = layer(h, graph: graph) }
        return MixtureCDFTransform(head(h), rows: conditioning.shape[0], transformed: split.transformed.count,
                                   mixtures: mixtures)
    }

    /// `z: [nodes, D]` → (`u: [nodes, D]`, log|det| per node `[nodes]`).
    public func forward(_ z: Var, graph: GraphStructure) -> (Var, Var) {
        let (a, b) = split.split(z)
        let (u, logDet) = transform(a, graph: graph).forward(b)
        return (split.merge(a, u), logDet)
    }

    /// `u: [nodes, D]` → `z`, inverting each node's mixture CDF by bisection.
    public func inverse(_ u: Tensor, graph: GraphStructure) -> Tensor {
        let (a, ub) = split.split(u)
        return split.merge(a, transform(Tape().constant(a), graph: graph).inverse(ub))
    }
}
