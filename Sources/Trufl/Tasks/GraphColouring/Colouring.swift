/// Colourings of a ``Graph``: a colouring is an array with one colour in `0 ..< colourCount` per node.

/// Whether `colours` is a proper colouring of `graph`: one colour per node, every colour in `0 ..< colourCount`,
/// and no edge whose two ends share a colour.
public func isValidColouring(_ graph: Graph, _ colours: [Int], colourCount: Int = 3) -> Bool {
    guard colours.count == graph.nodeCount else { return false }
    guard colours.allSatisfy({ (0..<colourCount).contains($0) }) else { return false }
    return graph.edges.allSatisfy { colours[$0.u] != colours[$0.v] }
}

extension Graph {
    /// Whether the graph is 2-colourable (has no odd cycle), by breadth-first 2-colouring of each component.
    public var isBipartite: Bool {
        var side = [Int8](repeating: -1, count: nodeCount)
        var queue: [Int] = []
        queue.reserveCapacity(nodeCount)
        for start in 0..<nodeCount where side[start] < 0 {
            side[start] = 0
            queue.removeAll(keepingCapacity: true)
            queue.append(start)
            var head = 0
            while head < queue.count {
                let v = queue[head]
                head += 1
                for w in adjacency[v] {
                    if side[w] < 0 {
                        side[w] = 1 - side[v]
                        queue.append(w)
                    } else if side[w] == side[v] {
                        return false
                    }
                }
            }
        }
        return true
    }

    /// A proper colouring with at most `colourCount` colours, or `nil` when none exists.
    ///
    /// Exact: a backtracking search that always branches on the uncoloured node with the most distinct colours
    /// among its neighbours (DSATUR; ties go to the node with more uncoloured neighbours, then the lower index) and
    /// never opens more than one new colour per step (the colours are interchangeable, so trying a second unused
    /// colour would only repeat the search). The result is deterministic: the same graph gives the same colouring,
    /// and colours appear in order of first use (the first node coloured gets colour 0).
    public func colouring(colourCount: Int = 3) -> [Int]? {
        guard colourCount >= 1 else { fatalError("colouring(colourCount:) needs at least one colour") }
        var search = KColouringSearch(graph: self, colourCount: colourCount)
        return search.run() ? search.colours : nil
    }

    /// Whether the graph can be properly coloured with `colourCount` colours (exact; see ``colouring(colourCount:)``).
    public func isColourable(with colourCount: Int) -> Bool {
        colourCount == 2 ? isBipartite : colouring(colourCount: colourCount) != nil
    }

    /// Greedy largest-first colouring: nodes in decreasing order of degree (ties: lower index first), each given the
    /// smallest colour in `0 ..< colourCount` that no already-coloured neighbour has. `nil` when some node finds all
    /// `colourCount` colours taken (the heuristic failed; the graph may still be colourable).
    public func greedyLargestFirstColouring(colourCount: Int = 3) -> [Int]? {
        let order = (0..<nodeCount).sorted { a, b in
            let da = adjacency[a].count, db = adjacency[b].count
            return da != db ? da > db : a < b
        }
        var colours = [Int](repeating: -1, count: nodeCount)
        var taken = [Bool](repeating: false, count: colourCount)
        for v in order {
            for c in 0..<colourCount { taken[c] = false }
            for w in adjacency[v] where colours[w] >= 0 { taken[colours[w]] = true }
            guard let c = taken.firstIndex(of: false) else { return nil }
            colours[v] = c
        }
        return colours
    }
}

/// The state of one DSATUR backtracking search for a `k`-colouring.
private struct KColouringSearch {
    let nodeCount: Int
    let k: Int
    let adjacency: [[Int]]
    /// The colour of each node, −1 while uncoloured.
    var colours: [Int]
    /// `neighbourColours[v * k + c]`: how many neighbours of `v` have colour `c`.
    var neighbourColours: [Int32]
    /// How many distinct colours the neighbours of `v` have.
    var saturation: [Int]
    /// How many neighbours of `v` are uncoloured.
    var uncolouredDegree: [Int]

    init(graph: Graph, colourCount: Int) {
        nodeCount = graph.nodeCount
        k = colourCount
        adjacency = graph.adjacency
        colours = [Int](repeating: -1, count: nodeCount)
        neighbourColours = [Int32](repeating: 0, count: nodeCount * colourCount)
        saturation = [Int](repeating: 0, count: nodeCount)
        uncolouredDegree = adjacency.map(\.count)
    }

    mutating func run() -> Bool { search(coloured: 0, coloursUsed: 0) }

    private mutating func search(coloured: Int, coloursUsed: Int) -> Bool {
        if coloured == nodeCount { return true }
        // The uncoloured node of highest saturation, then highest uncoloured degree, then lowest index.
        var best = -1
        for v in 0..<nodeCount where colours[v] < 0 {
            if best < 0 || saturation[v] > saturation[best]
                || (saturation[v] == saturation[best] && uncolouredDegree[v] > uncolouredDegree[best])
            {
                best = v
            }
        }
        if saturation[best] == k { return false }
        let limit = Swift.min(k, coloursUsed + 1)
        for c in 0..<limit where neighbourColours[best * k + c] == 0 {
            if assign(best, c), search(coloured: coloured + 1, coloursUsed: Swift.max(coloursUsed, c + 1)) {
                return true
            }
            unassign(best, c)
        }
        return false
    }

    /// Colours `v` with `c`; false when this leaves some uncoloured neighbour with no colour (forward check).
    private mutating func assign(_ v: Int, _ c: Int) -> Bool {
        colours[v] = c
        var feasible = true
        for w in adjacency[v] {
            if neighbourColours[w * k + c] == 0 {
                saturation[w] += 1
                if saturation[w] == k && colours[w] < 0 { feasible = false }
            }
            neighbourColours[w * k + c] += 1
            uncolouredDegree[w] -= 1
        }
        return feasible
    }

    private mutating func unassign(_ v: Int, _ c: Int) {
        colours[v] = -1
        for w in adjacency[v] {
            neighbourColours[w * k + c] -= 1
            if neighbourColours[w * k + c] == 0 { saturation[w] -= 1 }
            uncolouredDegree[w] += 1
        }
    }
}
