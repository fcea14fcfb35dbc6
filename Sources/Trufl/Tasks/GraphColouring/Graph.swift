import Foundation

/// A simple undirected graph on the nodes `0 ..< nodeCount`.
///
/// The edge list is canonical: every edge is stored once as `(u, v)` with `u < v`, the list is sorted, and there are
/// no self-loops or duplicates. Two graphs with the same nodes and edges are therefore equal, and encode to the same
/// bytes. The adjacency lists are derived from the edges (each sorted ascending) and are not encoded.
public struct Graph: Sendable, Hashable, Codable {
    /// One undirected edge, `u < v`.
    public struct Edge: Sendable, Hashable, Codable, Comparable {
        public let u: Int
        public let v: Int

        public static func < (a: Edge, b: Edge) -> Bool { (a.u, a.v) < (b.u, b.v) }
    }

    public enum ValidationError: Error, Equatable {
        case negativeNodeCount(Int)
        case nodeOutOfRange(Int)
        case selfLoop(Int)
        case duplicateEdge(Int, Int)
    }

    public let nodeCount: Int
    /// The edges, each once, `u < v`, sorted.
    public let edges: [Edge]
    /// `adjacency[v]`: the neighbours of `v`, ascending.
    public let adjacency: [[Int]]

    public var edgeCount: Int { edges.count }

    /// The graph with these edges (in either orientation, in any order).
    /// Throws on a node out of range, a self-loop or an edge given twice.
    public init(validatingNodeCount nodeCount: Int, edges pairs: [(Int, Int)]) throws {
        guard nodeCount >= 0 else { throw ValidationError.negativeNodeCount(nodeCount) }
        var edges: [Edge] = []
        edges.reserveCapacity(pairs.count)
        for (a, b) in pairs {
            guard (0..<nodeCount).contains(a) else { throw ValidationError.nodeOutOfRange(a) }
            guard (0..<nodeCount).contains(b) else { throw ValidationError.nodeOutOfRange(b) }
            guard a != b else { throw ValidationError.selfLoop(a) }
            edges.append(Edge(u: min(a, b), v: max(a, b)))
        }
        edges.sort()
        for i in edges.indices.dropFirst() where edges[i] == edges[i - 1] {
            throw ValidationError.duplicateEdge(edges[i].u, edges[i].v)
        }
        var adjacency = [[Int]](repeating: [], count: nodeCount)
        for edge in edges {
            adjacency[edge.u].append(edge.v)
            adjacency[edge.v].append(edge.u)
        }
        for v in 0..<nodeCount { adjacency[v].sort() }
        self.nodeCount = nodeCount
        self.edges = edges
        self.adjacency = adjacency
    }

    /// The graph with these edges; traps on a malformed edge list (see ``init(validatingNodeCount:edges:)``).
    public init(nodeCount: Int, edges: [(Int, Int)]) {
        do {
            try self.init(validatingNodeCount: nodeCount, edges: edges)
        } catch {
            fatalError("Graph(nodeCount: \(nodeCount), edges:): \(error)")
        }
    }

    public func degree(of node: Int) -> Int { adjacency[node].count }

    /// Whether `a` and `b` are joined by an edge.
    public func hasEdge(_ a: Int, _ b: Int) -> Bool { adjacency[a].contains(b) }

    /// Whether some node has no edge.
    public var hasIsolatedNode: Bool { adjacency.contains { $0.isEmpty } }

    /// Whether every node can be reached from every other (the empty graph counts as connected).
    public var isConnected: Bool {
        guard nodeCount > 0 else { return true }
        var seen = [Bool](repeating: false, count: nodeCount)
        var stack = [0]
        seen[0] = true
        var reached = 1
        while let v = stack.popLast() {
            for w in adjacency[v] where !seen[w] {
                seen[w] = true
                reached += 1
                stack.append(w)
            }
        }
        return reached == nodeCount
    }

    /// `2E / (N (N − 1))`: the fraction of node pairs joined by an edge (0 for fewer than two nodes).
    public var density: Double {
        nodeCount < 2 ? 0 : 2 * Double(edges.count) / (Double(nodeCount) * Double(nodeCount - 1))
    }

    // Codable: only the node count and the edges; decoding validates them and rebuilds the adjacency lists.
    private enum CodingKeys: String, CodingKey { case nodeCount, edges }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let nodeCount = try container.decode(Int.self, forKey: .nodeCount)
        let edges = try container.decode([Edge].self, forKey: .edges)
        do {
            try self.init(validatingNodeCount: nodeCount, edges: edges.map { ($0.u, $0.v) })
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .edges, in: container, debugDescription: "invalid graph: \(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nodeCount, forKey: .nodeCount)
        try container.encode(edges, forKey: .edges)
    }

    // Equality and hashing by node count and edges (the adjacency lists follow from them).
    public static func == (a: Graph, b: Graph) -> Bool { a.nodeCount == b.nodeCount && a.edges == b.edges }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(nodeCount)
        hasher.combine(edges)
    }
}
