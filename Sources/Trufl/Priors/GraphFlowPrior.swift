/// The graph-colouring prior (Section 5.1, Table 6): a flow over each node's D latents, conditioned on the
/// graph through the couplings' graph-attention networks, on a factorised standard logistic base.
/// log p(z | graph) is summed per graph.
public struct GraphFlowPrior: Layer {
    public let latentsPerNode: Int
    public let couplings: [GraphMixtureCoupling]
    public let affines: [ElementwiseAffine]

    public init(latentsPerNode: Int = 2, couplings: Int = 4, mixtures: Int = 4, hidden: Int = 64, graphLayers: Int = 3,
                activation: Activation = .relu, name: String = "prior", random: inout RandomSource) {
        self.latentsPerNode = latentsPerNode
        self.couplings = (0..<couplings).map {
            GraphMixtureCoupling(latentsPerNode: latentsPerNode, parity: $0 % 2, mixtures: mixtures, hidden: hidden,
                                 graphLayers: graphLayers, activation: activation, name: "\(name).coupling\($0)", random: &random)
        }
        affines = (0..<couplings).map { ElementwiseAffine(dimension: latentsPerNode, name: "\(name).affine\($0)") }
    }

    public var parameters: [Parameter] { couplings.flatMap { $0.parameters } + affines.flatMap { $0.parameters } }

    /// log p(z | graph) per graph, `[graphs]`, for `z: [nodes, D]`.
    public func logDensity(_ z: Var, graph: GraphStructure) -> Var {
        var u = z
        var logDet = (z * 0).sum(axis: 1)
        for (coupling, affine) in zip(couplings, affines) {
            let (next, step) = coupling.forward(u, graph: graph)
            let (scaled, affineStep) = affine.forward(next)
            u = scaled
            logDet = logDet + step + affineStep
        }
        let perNode = (u.logSigmoid() + (-u).logSigmoid()).sum(axis: 1) + logDet
        return perNode.reshaped([graph.nodeCount, 1]).scatterAdd(rows: graph.graphOfNode, count: graph.graphCount)
            .reshaped([graph.graphCount])
    }

    /// One draw of z for every node of the batch, `[nodes, D]`.
    public func sample(graph: GraphStructure, using random: inout RandomSource) -> Tensor {
        var z = Tensor.logistic([graph.nodeCount, latentsPerNode], using: &random)
        for (coupling, affine) in zip(couplings, affines).reversed() {
            z = coupling.inverse(affine.inverse(z), graph: graph)
        }
        return z
    }
}
