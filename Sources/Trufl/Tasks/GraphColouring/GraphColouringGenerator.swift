/// The graph sizes of Table 1.
public struct GraphSize: Sendable, Hashable, Codable {
    /// A short name, used in the random streams and in cache file names (letters, digits and dashes).
    public let name: String
    /// The range the node count is drawn from, uniformly.
    public let nodes: ClosedRange<Int>

    public init(name: String, nodes: ClosedRange<Int>) {
        guard nodes.lowerBound >= 3 else { fatalError("a graph of chromatic number 3 needs at least 3 nodes") }
        guard nodes.upperBound <= Int(UInt16.max) else { fatalError("at most \(UInt16.max) nodes") }
        guard !name.isEmpty && name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            fatalError("a graph size's name is letters, digits and dashes, not '\(name)'")
        }
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

/// How the generator gets a graph in which every node has an edge and all nodes are connected.
public enum ConnectivityRule: String, Sendable, CaseIterable {
    /// What CatNF's generation code does: while some node has no edge, redraw all of the lowest such node's
    /// pairs with probability p; then, while the nodes reachable from node 0 are not all nodes, join three random
    /// (reached, unreached) pairs by an edge. Only the chromatic number is then left to reject on.
    case repair
    /// Reject the attempt when some node has no edge or the graph is not connected.
    case reject
}

/// CatNF's recipe for the graph-colouring data, drawing everything from a ``RandomSource``.
///
/// One attempt: the node count N uniform in `size.nodes`; the edge probability p uniform in
/// (0.1, min(0.3, 0.2 · nmax / N)); every pair `i < j` joined independently with probability p (Erdős–Rényi,
/// pairs in lexicographic order); isolated nodes and disconnected graphs then repaired or rejected according to
/// `connectivity` (see ``ConnectivityRule``). The attempt is kept when the graph's chromatic number is exactly 3
/// (3-colourable, not bipartite); otherwise a new attempt draws N, p and the edges afresh from the same stream, as
/// CatNF's code does (so the kept node counts are not uniform: large sparse-enough graphs are kept less often).
public struct GraphColouringGenerator: Sendable {
    /// Bump whenever the generator (or the colouring it stores) changes: cached splits of another version are
    /// regenerated.
    public static let version: UInt32 = 2

    /// The number of colours.
    public static let colourCount = 3

    public let size: GraphSize
    public let connectivity: ConnectivityRule

    public init(size: GraphSize, connectivity: ConnectivityRule = .repair) {
        self.size = size
        self.connectivity = connectivity
    }

    /// The interval p is drawn from for a graph of `nodeCount` nodes: (0.1, min(0.3, 0.2 · nmax / N)).
    public func edgeProbabilityRange(nodeCount: Int) -> (lower: Double, upper: Double) {
        (0.1, Swift.min(0.3, 0.2 * Double(size.nodes.upperBound) / Double(nodeCount)))
    }

    /// One Erdős–Rényi draw, before any repair or rejection.
    public func candidate(using random: inout RandomSource) -> (graph: Graph, edgeProbability: Double) {
        let (n, p, adjacent) = drawMatrix(using: &random)
        return (Self.graph(n, adjacent), p)
    }

    /// One attempt, repaired or not according to `connectivity`, before any rejection.
    public func attempt(using random: inout RandomSource) -> (graph: Graph, edgeProbability: Double) {
        var (n, p, adjacent) = drawMatrix(using: &random)
        if connectivity == .repair { Self.repair(n, p, &adjacent, using: &random) }
        return (Self.graph(n, adjacent), p)
    }

    /// Whether `graph` passes the filter for this generator's rule; its 3-colouring when it does.
    public func accepted(_ graph: Graph) -> [Int]? {
        if connectivity == .reject {
            guard !graph.hasIsolatedNode, graph.isConnected else { return nil }
        }
        guard !graph.isBipartite else { return nil }
        return graph.colouring(colourCount: Self.colourCount)
    }

    /// The first accepted attempt from `random`, with the exact solver's 3-colouring, and how many attempts it took.
    public func generate(using random: inout RandomSource) -> (example: GraphColouringExample, attempts: Int) {
        var attempts = 0
        while true {
            attempts += 1
            let graph = attempt(using: &random).graph
            if let colouring = accepted(graph) {
                return (GraphColouringExample(graph: graph, colouring: colouring), attempts)
            }
        }
    }

    /// N, p and the symmetric adjacency matrix (row-major, N × N) of one Erdős–Rényi draw.
    private func drawMatrix(using random: inout RandomSource) -> (Int, Double, [Bool]) {
        let n = size.nodes.lowerBound + random.int(below: size.nodes.count)
        let (lower, upper) = edgeProbabilityRange(nodeCount: n)
        let p = lower + (upper - lower) * random.uniform()
        var adjacent = [Bool](repeating: false, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<n where random.uniform() < p {
                adjacent[i * n + j] = true
                adjacent[j * n + i] = true
            }
        }
        return (n, p, adjacent)
    }

    /// CatNF's repair (see ``ConnectivityRule/repair``).
    private static func repair(_ n: Int, _ p: Double, _ adjacent: inout [Bool], using random: inout RandomSource) {
        func hasEdge(_ v: Int) -> Bool { (0..<n).contains { adjacent[v * n + $0] } }
        while let v = (0..<n).first(where: { !hasEdge($0) }) {
            for j in 0..<n where j != v {
                let edge = random.uniform() < p
                adjacent[v * n + j] = edge
                adjacent[j * n + v] = edge
            }
        }
        while true {
            var reached = [Bool](repeating: false, count: n)
            reached[0] = true
            var stack = [0]
            while let v = stack.popLast() {
                for w in 0..<n where adjacent[v * n + w] && !reached[w] {
                    reached[w] = true
                    stack.append(w)
                }
            }
            let inside = (0..<n).filter { reached[$0] }
            let outside = (0..<n).filter { !reached[$0] }
            if outside.isEmpty { return }
            for _ in 0..<3 {
                let a = inside[random.int(below: inside.count)]
                let b = outside[random.int(below: outside.count)]
                adjacent[a * n + b] = true
                adjacent[b * n + a] = true
            }
        }
    }

    private static func graph(_ n: Int, _ adjacent: [Bool]) -> Graph {
        var edges: [(Int, Int)] = []
        for i in 0..<n {
            for j in (i + 1)..<n where adjacent[i * n + j] { edges.append((i, j)) }
        }
        return Graph(nodeCount: n, edges: edges)
    }
}
