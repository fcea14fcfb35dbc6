import Foundation

/// How a sampled z is turned into colours.
public enum ColouringDecoding: Sendable {
    /// Algorithm 2: redraw a graph's z from the prior until every node's z lies in some colour's support, at most
    /// `maxAttempts` draws per graph; then the Eq. 2 decoder (hard indicator). A graph still rejected after the cap
    /// keeps its last draw, decoded as ``fallbackOutsideSupports``.
    case rejection(maxAttempts: Int)
    /// One draw; a node whose z lies in some colour's support is decoded with the hard Eq. 2, a node in no support
    /// with Eq. 2's densities without their indicators (as ``ignoringTruncation``).
    case fallbackOutsideSupports
    /// One draw, decoded with Eq. 2 whose densities ignore the truncation: for TRUFL, each colour's q(z|k) is the
    /// truncated logistic's formula σ(z'')σ(−z'')/s·|det| without its indicator, so every z gets a colour, also a z in
    /// no support. For CatNF and Argmax this is the ordinary decoder (CatNF's supports are all of ℝᴰ; Argmax's
    /// threshold regions cover ℝᴰ up to ties of measure zero).
    case ignoringTruncation
}

/// How a node's colour is chosen from the decoder's posterior p(x|z) (Eq. 2).
public enum ColourChoice: String, Sendable, Codable {
    /// The most probable colour (CatNF's evaluation; not Algorithm 2's).
    case mostProbable
    /// A draw x ~ p(x|z), as Algorithm 2 has it.
    case sampled
}

/// Sampled colourings of a list of graphs, with the rejection counts of Algorithm 2.
public struct SampledColourings: Sendable {
    /// One colour per node per graph (the most probable colour under the decoder, or a draw from it; −1 never occurs).
    public let colourings: [[Int]]
    /// Prior draws per graph (1 without rejection).
    public let attempts: [Int]
    /// Graphs that hit the attempt cap without an accepted draw.
    public let capped: Int

    /// Rejected draws / all draws.
    public var rejectionRate: Double {
        let total = attempts.reduce(0, +)
        return Double(total - attempts.count + capped) / Double(total)
    }
}

extension GraphColouringModel {
    /// log q(z|k) for every colour k, `[N, K]`, with TRUFL's truncation ignored (see ``ColouringDecoding``).
    func logDensitiesIgnoringTruncation(_ z: Var) -> Var {
        guard let q = dequantiser as? TRUFLDequantiser else { return dequantiser.logDensities(z, indicator: .hard) }
        return q.logDensitiesIgnoringTruncation(z)
    }

    /// For each row of z `[N, D]`, whether it lies in some colour's support (always true for CatNF).
    public func inSupport(_ z: Tensor) -> [Bool] {
        let logQ = dequantiser.logDensities(Tape().constant(z), indicator: .hard).value
        let k = dequantiser.categories
        return (0..<z.shape[0]).map { n in (0..<k).contains { logQ[n, $0] > -.infinity } }
    }

    /// The colour of each row of z under Eq. 2 (hard, or ignoring the truncation, or hard where z lies in some
    /// support and ignoring the truncation elsewhere): the most probable one, or a draw from p(x|z) with `random`.
    public func decode(_ z: Tensor, ignoringTruncation: Bool, fallback: Bool = false, choice: ColourChoice = .mostProbable,
                       using random: inout RandomSource) -> [Int] {
        let tape = Tape()
        let k = dequantiser.categories
        var logQ = (ignoringTruncation ? logDensitiesIgnoringTruncation(tape.constant(z))
                                       : dequantiser.logDensities(tape.constant(z), indicator: .hard)).value
        if fallback && !ignoringTruncation {
            let loose = logDensitiesIgnoringTruncation(tape.constant(z)).value
            for n in 0..<z.shape[0] where !(0..<k).contains(where: { logQ[n, $0] > -.infinity }) {
                for j in 0..<k { logQ.scalars[n * k + j] = loose.scalars[n * k + j] }
            }
        }
        let logP = marginal.logProbabilities
        return (0..<z.shape[0]).map { n in
            let scores = (0..<k).map { Double(logQ[n, $0] + logP.scalars[$0]) }
            if choice == .sampled, let top = scores.max(), top > -.infinity {
                // p(x = j | z) ∝ exp(score_j): one uniform against the running sum of the weights.
                let weights = scores.map { Foundation.exp($0 - top) }
                var u = random.uniform() * weights.reduce(0, +)
                for (j, w) in weights.enumerated() where w > 0 {
                    u -= w
                    if u < 0 { return j }
                }
                return weights.lastIndex { $0 > 0 }!
            }
            var best = -1
            var bestValue = -Double.infinity
            for j in 0..<k where scores[j] > bestValue {
                best = j
                bestValue = scores[j]
            }
            return best
        }
    }

    /// The most probable colour of each row of z (``decode(_:ignoringTruncation:fallback:choice:using:)``).
    public func decode(_ z: Tensor, ignoringTruncation: Bool, fallback: Bool = false) -> [Int] {
        var unused = RandomSource(seed: 0)  // the most probable colour draws nothing
        return decode(z, ignoringTruncation: ignoringTruncation, fallback: fallback, using: &unused)
    }

    /// Whether every node of each graph of the batch has z in some support: `[graphs]`.
    func acceptedGraphs(_ z: Tensor, batch: GraphBatch) -> [Bool] {
        var accepted = [Bool](repeating: true, count: batch.graphCount)
        for (n, inside) in inSupport(z).enumerated() where !inside { accepted[Int(batch.graphOfNode[n])] = false }
        return accepted
    }

    /// The fraction of `graphs` whose single prior draw is rejected (Figure 3's rejection rate; 1 − Z averaged
    /// over graphs, Eq. 9).
    public func firstDrawRejectionRate(_ graphs: [Graph], using random: inout RandomSource) -> Double {
        guard !graphs.isEmpty else { return 0 }
        let batch = GraphBatch(graphs: graphs)
        let z = prior.sample(graph: GraphStructure(batch), using: &random)
        return Double(acceptedGraphs(z, batch: batch).filter { !$0 }.count) / Double(graphs.count)
    }

    /// One sampled colouring per graph: z ~ p(z|graph), then the decoder (Algorithm 2 or not).
    public func sampleColourings(_ graphs: [Graph], decoding: ColouringDecoding, choice: ColourChoice = .mostProbable,
                                 using random: inout RandomSource) -> SampledColourings {
        var draws = [Tensor?](repeating: nil, count: graphs.count)
        var attempts = [Int](repeating: 0, count: graphs.count)
        var accepted = [Bool](repeating: false, count: graphs.count)
        var pending = Array(graphs.indices)
        let cap: Int
        switch decoding {
        case .rejection(let maxAttempts): cap = maxAttempts
        case .ignoringTruncation, .fallbackOutsideSupports: cap = 1
        }
        while !pending.isEmpty {
            let batch = GraphBatch(graphs: pending.map { graphs[$0] })
            let z = prior.sample(graph: GraphStructure(batch), using: &random)
            let ok = acceptedGraphs(z, batch: batch)
            let d = z.shape[1]
            var next: [Int] = []
            for (i, g) in pending.enumerated() {
                let start = batch.nodeOffsets[i], count = batch.nodeCounts[i]
                draws[g] = Tensor(shape: [count, d], scalars: Array(z.scalars[(start * d)..<((start + count) * d)]))
                attempts[g] += 1
                accepted[g] = ok[i]
                if !ok[i] && attempts[g] < cap { next.append(g) }
            }
            pending = next
        }
        var capped = 0
        let colourings = graphs.indices.map { g -> [Int] in
            switch decoding {
            case .rejection:
                if !accepted[g] { capped += 1 }
                return decode(draws[g]!, ignoringTruncation: false, fallback: !accepted[g], choice: choice, using: &random)
            case .ignoringTruncation:
                return decode(draws[g]!, ignoringTruncation: true, choice: choice, using: &random)
            case .fallbackOutsideSupports:
                return decode(draws[g]!, ignoringTruncation: false, fallback: true, choice: choice, using: &random)
            }
        }
        return SampledColourings(colourings: colourings, attempts: attempts,
                                 capped: { if case .rejection = decoding { return capped } else { return 0 } }())
    }

    /// Bits per node on `examples` (their stored colours): the single-sample negative ELBO (hard indicator, β = 1),
    /// and the importance-sampled estimate with `samples` draws per graph (log-mean-exp of per-graph ELBOs);
    /// total nats over total nodes, divided by ln 2. Neither includes log Z (as the paper's bpd). Beside them the
    /// first draw's two terms, in nats per node: the reconstruction Σ log p(x_v|z_v) and the KL term
    /// Σ log q(z_v|x_v) − log p(z|graph) (one-sample estimates; −ELBO = −reconstruction + KL).
    public func bitsPerNode(_ examples: [GraphColouringExample], samples: Int, batchSize: Int = 64,
                            using random: inout RandomSource) -> BitsPerNode {
        var elboTotal = 0.0, isTotal = 0.0, reconstructionTotal = 0.0, nodes = 0
        var start = 0
        while start < examples.count {
            let part = Array(examples[start..<min(start + batchSize, examples.count)])
            start += part.count
            let batch = GraphBatch(examples: part)
            let graph = GraphStructure(batch)
            nodes += batch.nodeCount
            var perGraph = [[Double]](repeating: [], count: part.count)
            for s in 0..<max(samples, 1) {
                let terms = elbo(batch, graph: graph, on: Tape(), indicator: .hard, using: &random)
                let values = terms.elbo.value.scalars.map(Double.init)
                if s == 0 {
                    elboTotal += values.reduce(0, +)
                    reconstructionTotal += terms.reconstruction.value.scalars.reduce(0) { $0 + Double($1) }
                }
                for (i, v) in values.enumerated() { perGraph[i].append(v) }
            }
            isTotal += perGraph.map { logMeanExp($0) }.reduce(0, +)
        }
        let ln2 = Foundation.log(2.0), n = Double(nodes)
        return BitsPerNode(elbo: -elboTotal / n / ln2, importanceSampled: -isTotal / n / ln2,
                           reconstruction: reconstructionTotal / n, kl: (reconstructionTotal - elboTotal) / n)
    }

    /// log Z per node for TRUFL (Eq. 9 for each graph): Z_g, the prior probability that every node of graph g lies in
    /// some colour's support, estimated from `draws` prior draws per graph; Σ_g log Ẑ_g over the graphs' nodes.
    /// Graphs none of whose draws was accepted have Ẑ_g = 0 and are counted apart (their log Z is −∞).
    public func logZPerNode(_ graphs: [Graph], draws: Int, using random: inout RandomSource)
        -> (logZPerNode: Double, graphsNeverAccepted: Int) {
        let batch = GraphBatch(graphs: graphs)
        var accepted = [Int](repeating: 0, count: graphs.count)
        for _ in 0..<draws {
            let z = prior.sample(graph: GraphStructure(batch), using: &random)
            for (g, ok) in acceptedGraphs(z, batch: batch).enumerated() where ok { accepted[g] += 1 }
        }
        var total = 0.0, never = 0
        for count in accepted {
            if count == 0 { never += 1 } else { total += Foundation.log(Double(count) / Double(draws)) }
        }
        return (total / Double(batch.nodeCount), never)
    }
}

/// Bits per node (``GraphColouringModel/bitsPerNode(_:samples:batchSize:using:)``) and the ELBO's two terms in nats
/// per node.
public struct BitsPerNode: Sendable, Equatable {
    public var elbo: Double
    public var importanceSampled: Double
    public var reconstruction: Double
    public var kl: Double
}

/// The fraction of colourings with no monochromatic edge.
public func colouringValidity(_ graphs: [Graph], _ colourings: [[Int]]) -> Double {
    guard graphs.count == colourings.count else { fatalError("colouringValidity: one colouring per graph") }
    let valid = zip(graphs, colourings).filter { isValidColouring($0, $1, colourCount: 3) }.count
    return Double(valid) / Double(max(graphs.count, 1))
}
