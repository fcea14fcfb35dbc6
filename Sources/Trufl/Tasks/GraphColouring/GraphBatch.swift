/// Several graphs packed into one disjoint graph, for a graph network over a batch.
///
/// The nodes of graph `g` are numbered `nodeOffsets[g] ..< nodeOffsets[g] + nodeCounts[g]` in the batch. Every
/// undirected edge `(u, v)` of graph `g` appears twice in the edge index, as `u + offset → v + offset` and then
/// `v + offset → u + offset`, graphs in order and each graph's edges in its sorted order.
public struct GraphBatch: Sendable, Equatable {
    /// Nodes per graph.
    public let nodeCounts: [Int]
    /// The batch index of each graph's first node (a running sum of `nodeCounts`).
    public let nodeOffsets: [Int]
    /// For each batch node, the graph it belongs to.
    public let graphOfNode: [Int32]
    /// For each batch node, its index inside its own graph.
    public let localIndexOfNode: [Int32]
    /// Directed edges in batch numbering: `edgeSources[e] → edgeTargets[e]`, both directions of every edge.
    public let edgeSources: [Int32]
    public let edgeTargets: [Int32]
    /// For each batch node its colour, when the batch was made with colourings; empty otherwise.
    public let colours: [Int32]

    public var graphCount: Int { nodeCounts.count }
    public var nodeCount: Int { graphOfNode.count }
    /// The number of directed edges (twice the number of undirected ones).
    public var directedEdgeCount: Int { edgeSources.count }

    /// Packs `graphs`, and `colourings` (one per graph, one colour per node) when given.
    public init(graphs: [Graph], colourings: [[Int]]? = nil) {
        if let colourings {
            guard colourings.count == graphs.count else { fatalError("GraphBatch: one colouring per graph") }
            for (graph, colouring) in zip(graphs, colourings) {
                guard colouring.count == graph.nodeCount else { fatalError("GraphBatch: one colour per node") }
            }
        }
        var nodeOffsets: [Int] = []
        var graphOfNode: [Int32] = []
        var localIndex: [Int32] = []
        var sources: [Int32] = []
        var targets: [Int32] = []
        var offset = 0
        for (g, graph) in graphs.enumerated() {
            nodeOffsets.append(offset)
            for v in 0..<graph.nodeCount {
                graphOfNode.append(Int32(g))
                localIndex.append(Int32(v))
            }
            for edge in graph.edges {
                let u = Int32(edge.u + offset), v = Int32(edge.v + offset)
                sources.append(u)
                targets.append(v)
                sources.append(v)
                targets.append(u)
            }
            offset += graph.nodeCount
        }
        nodeCounts = graphs.map(\.nodeCount)
        self.nodeOffsets = nodeOffsets
        self.graphOfNode = graphOfNode
        localIndexOfNode = localIndex
        edgeSources = sources
        edgeTargets = targets
        colours = colourings.map { $0.flatMap { $0.map(Int32.init) } } ?? []
    }

    /// Packs the examples' graphs and colourings.
    public init(examples: [GraphColouringExample]) {
        self.init(graphs: examples.map(\.graph), colourings: examples.map(\.colouring))
    }
}

extension GraphStructure {
    /// The structure of a packed batch of graphs (edges in both directions, as the batch lists them).
    public init(_ batch: GraphBatch) {
        self.init(nodeCount: batch.graphOfNode.count, graphCount: batch.nodeCounts.count,
                  sources: batch.edgeSources.map(Int.init), targets: batch.edgeTargets.map(Int.init),
                  graphOfNode: batch.graphOfNode.map(Int.init))
    }
}
