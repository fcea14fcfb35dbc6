/// The structure of a batch of graphs packed into one: nodes numbered consecutively across graphs,
/// directed edges (each undirected edge in both directions), and each node's graph.
public struct GraphStructure: Sendable {
    public let nodeCount: Int
    public let graphCount: Int
    /// Edge e carries a message from `sources[e]` to `targets[e]`.
    public let sources: [Int]
    public let targets: [Int]
    public let graphOfNode: [Int]

    public init(nodeCount: Int, graphCount: Int, sources: [Int], targets: [Int], graphOfNode: [Int]) {
        guard sources.count == targets.count, graphOfNode.count == nodeCount,
              sources.allSatisfy({ $0 >= 0 && $0 < nodeCount }), targets.allSatisfy({ $0 >= 0 && $0 < nodeCount }),
              graphOfNode.allSatisfy({ $0 >= 0 && $0 < graphCount }) else {
            fatalError("GraphStructure: inconsistent batch (\(nodeCount) nodes, \(graphCount) graphs, \(sources.count) sources, \(targets.count) targets, \(graphOfNode.count) node graphs)")
        }
        self.nodeCount = nodeCount
        self.graphCount = graphCount
        self.sources = sources
        self.targets = targets
        self.graphOfNode = graphOfNode
    }
}

/// One graph-attention message-passing layer with a residual update:
///
///     e_ij = LeakyReLU(a_s·W h_j + a_t·W h_i)      for each edge j → i
///     α_ij = softmax over i's incoming edges of e_ij
///     h_i ← h_i + MLP([h_i, Σ_j α_ij W h_j])
///
/// The conditioner of the graph prior's couplings (CatNF's graph flow uses relational graph attention;
/// graph colouring has a single edge type).
public struct GraphAttention: Layer {
    public let project: Linear
    public let attendSource: Linear
    public let attendTarget: Linear
    public let update: MLP

    public init(features: Int, hidden: Int, activation: Activation = .relu, name: String, random: inout RandomSource) {
        project = Linear(features, hidden, bias: false, name: "\(name).project", random: &random)
        attendSource = Linear(hidden, 1, bias: false, name: "\(name).attendSource", random: &random)
        attendTarget = Linear(hidden, 1, bias: false, name: "\(name).attendTarget", random: &random)
        update = MLP([features + hidden, hidden, features], activation: activation, name: "\(name).update", random: &random)
    }

    public var parameters: [Parameter] {
        project.parameters + attendSource.parameters + attendTarget.parameters + update.parameters
    }

    /// `h: [nodes, features]` → `[nodes, features]`.
    public func callAsFunction(_ h: Var, graph: GraphStructure) -> Var {
        let projected = project(h)
        let fromSource = projected.gather(rows: graph.sources)
        let scores = Activation.leakyRelu(0.2)(attendSource(fromSource) + attendTarget(projected.gather(rows: graph.targets)))
        // Softmax over each node's incoming edges. Subtracting each target's largest score (a constant:
        // softmax does not change under a per-group shift) keeps exp from overflowing.
        var largest = [Float](repeating: -.infinity, count: graph.nodeCount)
        for (e, target) in graph.targets.enumerated() { largest[target] = max(largest[target], scores.value.scalars[e]) }
        let shift = Tensor(shape: [graph.targets.count, 1], scalars: graph.targets.map { largest[$0] })
        let weights = (scores - shift).exp()
        let normaliser = weights.scatterAdd(rows: graph.targets, count: graph.nodeCount).gather(rows: graph.targets)
        let messages = (weights / normaliser * fromSource).scatterAdd(rows: graph.targets, count: graph.nodeCount)
        return h + update(Var.concat([h, messages], axis: 1))
    }
}
