import Foundation
import Testing
@testable import Trufl

// MARK: - Known graphs

private func cycle(_ n: Int) -> Graph {
    Graph(nodeCount: n, edges: (0..<n).map { ($0, ($0 + 1) % n) })
}

private func complete(_ n: Int) -> Graph {
    Graph(nodeCount: n, edges: (0..<n).flatMap { i in ((i + 1)..<n).map { (i, $0) } })
}

/// The Petersen graph: outer 5-cycle 0–4, inner pentagram 5–9, spokes i – i+5. Chromatic number 3.
private let petersen: Graph = {
    var edges: [(Int, Int)] = []
    for i in 0..<5 {
        edges.append((i, (i + 1) % 5))
        edges.append((5 + i, 5 + (i + 2) % 5))
        edges.append((i, i + 5))
    }
    return Graph(nodeCount: 10, edges: edges)
}()

/// Whether any of the `k^N` colourings is proper, by enumerating them all.
private func bruteForceColourable(_ graph: Graph, colours k: Int) -> Bool {
    let n = graph.nodeCount
    var colouring = [Int](repeating: 0, count: n)
    while true {
        if graph.edges.allSatisfy({ colouring[$0.u] != colouring[$0.v] }) { return true }
        var i = 0
        while i < n && colouring[i] == k - 1 {
            colouring[i] = 0
            i += 1
        }
        if i == n { return false }
        colouring[i] += 1
    }
}

private func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("trufl-graphs-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct GraphColouringDataTests {
    // MARK: The graph type

    @Test func graphIsCanonicalAndRejectsMalformedEdges() throws {
        let g = Graph(nodeCount: 4, edges: [(2, 1), (0, 3), (1, 0)])
        #expect(g.edges.map { [$0.u, $0.v] } == [[0, 1], [0, 3], [1, 2]])
        #expect(g.adjacency == [[1, 3], [0, 2], [1], [0]])
        #expect(g == Graph(nodeCount: 4, edges: [(0, 1), (1, 2), (3, 0)]))
        #expect(throws: Graph.ValidationError.selfLoop(2)) { try Graph(validatingNodeCount: 3, edges: [(2, 2)]) }
        #expect(throws: Graph.ValidationError.duplicateEdge(0, 1)) {
            try Graph(validatingNodeCount: 3, edges: [(0, 1), (1, 0)])
        }
        #expect(throws: Graph.ValidationError.nodeOutOfRange(3)) { try Graph(validatingNodeCount: 3, edges: [(0, 3)]) }

        let decoded = try JSONDecoder().decode(Graph.self, from: JSONEncoder().encode(petersen))
        #expect(decoded == petersen && decoded.adjacency == petersen.adjacency)
        let selfLoop = Data(#"{"nodeCount": 2, "edges": [{"u": 1, "v": 1}]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Graph.self, from: selfLoop) }
    }

    @Test func connectivityAndIsolatedNodes() {
        #expect(cycle(6).isConnected && !cycle(6).hasIsolatedNode)
        let twoTriangles = Graph(nodeCount: 6, edges: [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)])
        #expect(!twoTriangles.isConnected && !twoTriangles.hasIsolatedNode)
        let isolated = Graph(nodeCount: 4, edges: [(0, 1), (1, 2)])
        #expect(isolated.hasIsolatedNode && !isolated.isConnected)
    }

    // MARK: The solver

    @Test func solverOnKnownGraphs() throws {
        let triangle = complete(3)
        #expect(!triangle.isBipartite && !triangle.isColourable(with: 2))
        let triangleColouring = try #require(triangle.colouring(colourCount: 3))
        #expect(isValidColouring(triangle, triangleColouring))

        #expect(complete(4).colouring(colourCount: 3) == nil)
        #expect(complete(4).colouring(colourCount: 4).map { isValidColouring(complete(4), $0, colourCount: 4) } == true)

        let c5 = cycle(5)
        #expect(!c5.isBipartite && c5.colouring(colourCount: 2) == nil)
        #expect(isValidColouring(c5, try #require(c5.colouring(colourCount: 3))))

        let c6 = cycle(6)
        #expect(c6.isBipartite)
        #expect(isValidColouring(c6, try #require(c6.colouring(colourCount: 2)), colourCount: 2))

        #expect(!petersen.isBipartite)
        #expect(isValidColouring(petersen, try #require(petersen.colouring(colourCount: 3))))

        // The Grötzsch (Mycielski) graph is triangle-free with chromatic number 4: a harder "no".
        var grotzschEdges: [(Int, Int)] = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0)]
        for i in 0..<5 {
            grotzschEdges.append((5 + i, (i + 1) % 5))
            grotzschEdges.append((5 + i, (i + 4) % 5))
            grotzschEdges.append((5 + i, 10))
        }
        let grotzsch = Graph(nodeCount: 11, edges: grotzschEdges)
        #expect(grotzsch.colouring(colourCount: 3) == nil)
        #expect(grotzsch.colouring(colourCount: 4) != nil)
    }

    @Test func solverAgreesWithBruteForceOnRandomSmallGraphs() {
        var random = RandomSource(seed: 11).split("brute force")
        var threeColourable = 0
        for trial in 0..<200 {
            let n = 3 + random.int(below: 8)  // 3 ... 10 nodes
            let p = 0.2 + 0.6 * random.uniform()
            var edges: [(Int, Int)] = []
            for i in 0..<n { for j in (i + 1)..<n where random.uniform() < p { edges.append((i, j)) } }
            let graph = Graph(nodeCount: n, edges: edges)

            let solved3 = graph.colouring(colourCount: 3)
            #expect((solved3 != nil) == bruteForceColourable(graph, colours: 3), "trial \(trial): \(graph.edges)")
            if let solved3 {
                #expect(isValidColouring(graph, solved3))
                threeColourable += 1
            }
            let twoColourable = bruteForceColourable(graph, colours: 2)
            #expect(graph.isBipartite == twoColourable, "trial \(trial)")
            #expect((graph.colouring(colourCount: 2) != nil) == twoColourable, "trial \(trial)")
        }
        // Both answers occur, so the comparison tests something.
        #expect(threeColourable > 20 && threeColourable < 180)
    }

    @Test func greedyLargestFirstIsValidWhenItSucceeds() {
        #expect(complete(4).greedyLargestFirstColouring() == nil)
        #expect(cycle(6).greedyLargestFirstColouring(colourCount: 2) == [0, 1, 0, 1, 0, 1])
        // A star: the centre (largest degree) is coloured first.
        #expect(Graph(nodeCount: 4, edges: [(3, 0), (3, 1), (3, 2)]).greedyLargestFirstColouring() == [1, 1, 1, 0])

        let examples = GraphColouringDataset.generate(size: .large, split: .test, seed: 5, count: 60)
        var successes = 0
        for example in examples {
            if let colours = example.graph.greedyLargestFirstColouring() {
                #expect(isValidColouring(example.graph, colours))
                successes += 1
            }
        }
        #expect(successes > 0)
    }

    @Test func validityCheck() {
        let path = Graph(nodeCount: 3, edges: [(0, 1), (1, 2)])
        #expect(isValidColouring(path, [0, 1, 0]))
        #expect(!isValidColouring(path, [0, 0, 1]))  // monochromatic edge
        #expect(!isValidColouring(path, [0, 3, 0]))  // colour out of range
        #expect(!isValidColouring(path, [0, -1, 0]))
        #expect(!isValidColouring(path, [0, 1]))  // wrong length
    }

    // MARK: The generator

    @Test(arguments: [GraphSize.small, GraphSize.large], ConnectivityRule.allCases)
    func everyGeneratedGraphHasChromaticNumberThree(size: GraphSize, connectivity: ConnectivityRule) {
        let count = size == .small ? 300 : 100
        let examples = GraphColouringDataset.generate(
            size: size, connectivity: connectivity, split: .train, seed: 1, count: count)
        #expect(examples.count == count)
        for (i, example) in examples.enumerated() {
            let g = example.graph
            let n = g.nodeCount
            #expect(size.nodes.contains(n), "graph \(i)")
            #expect(g.isConnected && !g.hasIsolatedNode, "graph \(i)")
            #expect(g.edges.allSatisfy { $0.u < $0.v && $0.v < n }, "graph \(i): self-loop or bad orientation")
            #expect(Set(g.edges).count == g.edgeCount, "graph \(i): duplicate edge")
            #expect(g.edgeCount <= n * (n - 1) / 2)
            #expect(isValidColouring(g, example.colouring), "graph \(i)")
            #expect(!g.isBipartite, "graph \(i)")
        }
        // The node counts spread over the range (kept counts fall off towards nmax: big graphs at p > 0.1 are
        // more often 4-chromatic, and a rejected attempt redraws N).
        let nodeCounts = examples.map(\.graph.nodeCount)
        #expect(nodeCounts.min()! <= size.nodes.lowerBound + 1)
        #expect(nodeCounts.max()! >= size.nodes.upperBound - size.nodes.count / 4)
    }

    @Test func edgeProbabilityStaysInItsInterval() {
        let generator = GraphColouringGenerator(size: .large)
        let at25 = generator.edgeProbabilityRange(nodeCount: 25), at50 = generator.edgeProbabilityRange(nodeCount: 50)
        #expect(at25.lower == 0.1 && at25.upper == 0.3)
        #expect(at50.lower == 0.1 && abs(at50.upper - 0.2) < 1e-12)
        var random = RandomSource(seed: 9)
        for _ in 0..<300 {
            let (graph, p) = generator.candidate(using: &random)
            let (lower, upper) = generator.edgeProbabilityRange(nodeCount: graph.nodeCount)
            #expect(p > lower && p < upper && upper <= 0.3)
        }
        // Observable: the mean density of raw Erdős–Rényi draws lies inside the interval.
        var total = 0.0
        for _ in 0..<400 { total += GraphColouringGenerator(size: .small).candidate(using: &random).graph.density }
        #expect(total / 400 > 0.1 && total / 400 < 0.3)
    }

    @Test func repairJoinsEveryNodeAndComponentAndOnlyAddsOrRedrawsEdges() {
        let repairing = GraphColouringGenerator(size: .large, connectivity: .repair)
        var needed = 0
        for i in 0..<300 {
            var a = RandomSource(seed: 13).split(i), b = a
            let raw = repairing.candidate(using: &a).graph
            let repaired = repairing.attempt(using: &b).graph
            #expect(repaired.nodeCount == raw.nodeCount)
            #expect(repaired.isConnected && !repaired.hasIsolatedNode, "draw \(i)")
            if raw.isConnected && !raw.hasIsolatedNode {
                #expect(repaired == raw, "draw \(i): a connected draw is left alone")
            } else {
                needed += 1
            }
        }
        #expect(needed > 10)  // the repair is exercised
        // The two rules give different data from the same streams.
        let repaired = GraphColouringDataset.generate(size: .small, connectivity: .repair, split: .train, seed: 1, count: 30)
        let rejected = GraphColouringDataset.generate(size: .small, connectivity: .reject, split: .train, seed: 1, count: 30)
        #expect(repaired != rejected)
    }

    // MARK: Determinism

    @Test func sameSeedGivesTheSameBytesAndSplitsDiffer() {
        func bytes(_ split: GraphColouringDataset.Split, seed: UInt64, count: Int = 40) -> [UInt8] {
            GraphColouringFileFormat.encode(
                GraphColouringDataset.generate(size: .small, split: split, seed: seed, count: count),
                size: .small, connectivity: .repair, split: split, seed: seed, version: GraphColouringGenerator.version)
        }
        #expect(bytes(.train, seed: 3) == bytes(.train, seed: 3))
        let train = GraphColouringDataset.generate(size: .small, split: .train, seed: 3, count: 40)
        let validation = GraphColouringDataset.generate(size: .small, split: .validation, seed: 3, count: 40)
        let test = GraphColouringDataset.generate(size: .small, split: .test, seed: 3, count: 40)
        let otherSeed = GraphColouringDataset.generate(size: .small, split: .train, seed: 4, count: 40)
        #expect(train != validation && train != test && validation != test && train != otherSeed)
        #expect(Set(train.map(\.graph)).isDisjoint(with: test.map(\.graph)))
        // A shorter split is a prefix of a longer one.
        #expect(Array(train.prefix(10)) == GraphColouringDataset.generate(size: .small, split: .train, seed: 3, count: 10))
    }

    // MARK: The cache

    @Test func cacheRoundTripEqualsFreshGeneration() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = GraphColouringCache(directory: directory)
        let fresh = GraphColouringDataset(size: .small, seed: 7, trainCount: 30, validationCount: 5, testCount: 6, cache: nil)

        #expect(cache.load(size: .small, split: .train, seed: 7, count: 30) == nil)
        let first = GraphColouringDataset(size: .small, seed: 7, trainCount: 30, validationCount: 5, testCount: 6, cache: cache)
        let url = cache.fileURL(size: .small, split: .train, seed: 7, count: 30)
        #expect(FileManager.default.fileExists(atPath: url.path))
        #expect(url.lastPathComponent == "small-n10-20-repair-train-seed7-count30-v\(GraphColouringGenerator.version).bin")
        let loaded = try #require(cache.load(size: .small, split: .train, seed: 7, count: 30))
        #expect(loaded == fresh.train)
        let second = GraphColouringDataset(size: .small, seed: 7, trainCount: 30, validationCount: 5, testCount: 6, cache: cache)
        for split in GraphColouringDataset.Split.allCases {
            #expect(first[split] == fresh[split] && second[split] == fresh[split])
        }
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names.count == 3 && names.allSatisfy { $0.hasSuffix(".bin") && !$0.hasPrefix(".") })
        // A file for other parameters is not mistaken for this one.
        #expect(cache.load(size: .small, split: .train, seed: 7, count: 31) == nil)
        #expect(cache.load(size: .small, split: .train, seed: 8, count: 30) == nil)
        #expect(cache.load(size: .small, connectivity: .reject, split: .train, seed: 7, count: 30) == nil)
        // Even under the other rule's name, the header is checked.
        try FileManager.default.copyItem(
            at: url, to: cache.fileURL(size: .small, connectivity: .reject, split: .train, seed: 7, count: 30))
        #expect(cache.load(size: .small, connectivity: .reject, split: .train, seed: 7, count: 30) == nil)
    }

    @Test func corruptCacheFileIsRegenerated() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = GraphColouringCache(directory: directory)
        let fresh = cache.loadOrGenerate(size: .small, split: .validation, seed: 2, count: 20)
        let url = cache.fileURL(size: .small, split: .validation, seed: 2, count: 20)
        let good = try Data(contentsOf: url)

        var flipped = good
        flipped[flipped.count / 2] ^= 0x40
        try flipped.write(to: url)
        #expect(cache.load(size: .small, split: .validation, seed: 2, count: 20) == nil)
        #expect(cache.loadOrGenerate(size: .small, split: .validation, seed: 2, count: 20) == fresh)
        #expect(try Data(contentsOf: url) == good)

        try good.prefix(good.count - 9).write(to: url)  // truncated
        #expect(cache.load(size: .small, split: .validation, seed: 2, count: 20) == nil)
        try Data("not a cache file".utf8).write(to: url)
        #expect(cache.loadOrGenerate(size: .small, split: .validation, seed: 2, count: 20) == fresh)
        #expect(try Data(contentsOf: url) == good)
    }

    @Test func versionBumpInvalidatesTheCache() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let current = GraphColouringGenerator.version
        let old = GraphColouringCache(directory: directory, version: current &- 1)
        let new = GraphColouringCache(directory: directory, version: current)
        let examples = old.loadOrGenerate(size: .small, split: .test, seed: 4, count: 10)
        #expect(old.load(size: .small, split: .test, seed: 4, count: 10) == examples)
        #expect(new.load(size: .small, split: .test, seed: 4, count: 10) == nil)
        // Even an old-version file under the new name is refused (the header carries the version).
        try FileManager.default.copyItem(
            at: old.fileURL(size: .small, split: .test, seed: 4, count: 10),
            to: new.fileURL(size: .small, split: .test, seed: 4, count: 10))
        #expect(new.load(size: .small, split: .test, seed: 4, count: 10) == nil)
        #expect(new.loadOrGenerate(size: .small, split: .test, seed: 4, count: 10) == examples)
        #expect(new.load(size: .small, split: .test, seed: 4, count: 10) == examples)
    }

    // MARK: Augmentation, statistics, batching

    @Test func colourPermutationKeepsValidity() {
        var random = RandomSource(seed: 21)
        var seen = Set<[Int]>()
        for _ in 0..<600 {
            let permutation = randomColourPermutation(using: &random)
            #expect(permutation.sorted() == [0, 1, 2])
            seen.insert(permutation)
        }
        #expect(seen.count == 6)

        for example in GraphColouringDataset.generate(size: .small, split: .train, seed: 6, count: 50) {
            let permuted = example.withPermutedColours(using: &random)
            #expect(permuted.graph == example.graph)
            #expect(isValidColouring(permuted.graph, permuted.colouring))
            // A consistent renaming: equal colours stay equal, different colours stay different.
            for u in 0..<example.colouring.count {
                for v in 0..<example.colouring.count {
                    #expect((example.colouring[u] == example.colouring[v]) == (permuted.colouring[u] == permuted.colouring[v]))
                }
            }
        }
    }

    @Test func statisticsSummary() {
        let stats = GraphStatistics([complete(3), cycle(5)])
        #expect(stats.graphCount == 2 && stats.minNodes == 3 && stats.maxNodes == 5 && stats.meanNodes == 4)
        #expect(stats.minEdges == 3 && stats.maxEdges == 5 && stats.meanEdges == 4)
        #expect(abs(stats.meanDensity - (1.0 + 0.5) / 2) < 1e-12)
        #expect(stats.meanDegree == 2)
        #expect(
            stats.formatted(label: "train")
                == "train           2 graphs  nodes 3 / 4.00 / 5  edges 3 / 4.00 / 5  density 0.750  mean degree 2.00")
        #expect(GraphStatistics([]).formatted(label: "test").hasPrefix("test            0 graphs"))

        let dataset = GraphColouringDataset(size: .small, seed: 1, trainCount: 8, validationCount: 2, testCount: 3, cache: nil)
        let lines = dataset.summary().split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("train") && lines[0].contains(" 8 graphs"))
        #expect(lines[1].hasPrefix("validation") && lines[2].hasPrefix("test"))
    }

    @Test func batchingOffsetsTwoGraphs() {
        let triangle = complete(3)
        let path = Graph(nodeCount: 4, edges: [(0, 1), (1, 2), (2, 3)])
        let batch = GraphBatch(graphs: [triangle, path], colourings: [[0, 1, 2], [1, 0, 1, 0]])
        #expect(batch.graphCount == 2 && batch.nodeCount == 7 && batch.directedEdgeCount == 12)
        #expect(batch.nodeCounts == [3, 4])
        #expect(batch.nodeOffsets == [0, 3])
        #expect(batch.graphOfNode == [0, 0, 0, 1, 1, 1, 1])
        #expect(batch.localIndexOfNode == [0, 1, 2, 0, 1, 2, 3])
        #expect(batch.edgeSources == [0, 1, 0, 2, 1, 2, 3, 4, 4, 5, 5, 6])
        #expect(batch.edgeTargets == [1, 0, 2, 0, 2, 1, 4, 3, 5, 4, 6, 5])
        #expect(batch.colours == [0, 1, 2, 1, 0, 1, 0])
        // Every directed edge stays inside one graph.
        for (s, t) in zip(batch.edgeSources, batch.edgeTargets) {
            #expect(batch.graphOfNode[Int(s)] == batch.graphOfNode[Int(t)])
        }
        #expect(GraphBatch(graphs: [triangle, path]).colours.isEmpty)
    }
}
