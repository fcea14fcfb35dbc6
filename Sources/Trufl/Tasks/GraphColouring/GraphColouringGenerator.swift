/// The graph sizes of Table 1.
public struct GraphSize: Sendable, Hashable {
    /// A short name, used in the random streams and in cache file names (letters, digits and dashes).
    public let name: String
    /// The range the node count is drawn from, uniformly.
    public let nodes: ClosedRange<Int>

    public init(name: String, nodes: ClosedRange<Int>) {
        precondition(nodes.lowerBound >= 3, "a graph of chromatic number 3 needs at least 3 nodes")
        precondition(nodes.upperBound <= Int(UInt16.max), "at most \(UInt16.max) nodes")
        precondition(
            !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") },
            "a graph size's name is letters, digits and dashes, not '\(name)'")
        self.name = name
        self.nodes = nodes
    }

    /// 10 ≤ |V| ≤ 20.
    public static let small = GraphSize(name: "small", nodes: 10...20)
    /// 25 ≤ |V| ≤ 50.
    public static let large = GraphSize(name: "large", nodes: 25...50)
}

/// One data point: a graph of chromatic number 3 and a proper 3-colouring of it.
public struct GraphColouringExample: Sendable, Hashable, Codable {
    public let graph: Graph
    /// One colour in `0 ..< 3` per node.
    public let colouring: [Int]

    public init(graph: Graph, colouring: [Int]) {
        self.graph = graph
        self.colouring = colouring
    }
}

/// CatNF's recipe for the graph-colouring data, drawing everything from a ``RandomSource``.
///
/// One attempt: the node count N uniform in `size.nodes`; the edge probability p uniform in
/// (0.1, min(0.3, 0.2 · nmax / N)); every pair `i < j` joined independently with probability p (Erdős–Rényi,
/// pairs in lexicographic order). The attempt is kept when every node has an edge, the graph is connected and its
/// chromatic number is exactly 3 (3-colourable, not bipartite); otherwise a new attempt draws N, p and the edges
/// afresh from the same stream.
public struct GraphColouringGenerator: Sendable {
    /// Bump whenever the generator (or the colouring it stores) changes: cached splits of another version are
    /// regenerated.
    public static let version: UInt32 = 1

    /// The number of colours.
    public static let colourCount = 3

    public let size: GraphSize

    public init(size: GraphSize) { self.size = size }

    /// The interval p is drawn from for a graph of `nodeCount` nodes: (0.1, min(0.3, 0.2 · nmax / N)).
    public func edgeProbabilityRange(nodeCount: Int) -> (lower: Double, upper: Double) {
        (0.1, Swift.min(0.3, 0.2 * Double(size.nodes.upperBound) / Double(nodeCount)))
    }

    /// One Erdős–Rényi attempt, before any rejection.
    public func candidate(using random: inout RandomSource) -> (graph: Graph, edgeProbability: Double) {
        let n = size.nodes.lowerBound + random.int(below: size.nodes.count)
        let (lower, upper) = edgeProbabilityRange(nodeCount: n)
        let p = lower + (upper - lower) * random.uniform()
        var edges: [(Int, Int)] = []
        for i in 0..<n {
            for j in (i + 1)..<n where random.uniform() < p { edges.append((i, j)) }
        }
        return (Graph(nodeCount: n, edges: edges), p)
    }

    /// Whether `graph` passes the recipe's filter; its 3-colouring when it does.
    public static func accepted(_ graph: Graph) -> [Int]? {
        guard !graph.hasIsolatedNode, graph.isConnected, !graph.isBipartite else { return nil }
        return graph.colouring(colourCount: colourCount)
    }

    /// The first accepted attempt from `random`, with the exact solver's 3-colouring, and how many attempts it took.
    public func generate(using random: inout RandomSource) -> (example: GraphColouringExample, attempts: Int) {
        var attempts = 0
        while true {
            attempts += 1
            let graph = candidate(using: &random).graph
            if let colouring = Self.accepted(graph) {
                return (GraphColouringExample(graph: graph, colouring: colouring), attempts)
            }
        }
    }
}
