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

/// Sampled colourings of a list of graphs, with the rejection counts of Algorithm 2.
public struct SampledColourings: Sendable {
    /// One colour per node per graph (the most probable colour under the decoder; −1 never occurs).
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
        let tape = z.tape
        let (zPrime, logDet) = inverseAll(q.flow, z, q.categories)
        return TruncatedLogisticSampler.logDensityInside(zPrime, mTilde: tape[q.mTilde], sTilde: tape[q.sTilde]).sum(axis: -1) + logDet
    }

    /// For each row of z `[N, D]`, whether it lies in some colour's support (always true for CatNF).
    public func inSupport(_ z: Tensor) -> [Bool] {
        let logQ = dequantiser.logDensities(Tape().constant(z), indicator: .hard).value
        let k = dequantiser.categories
        return (0..<z.shape[0]).map { n in (0..<k).contains { logQ[n, $0] > -.infinity } }
    }

    /// The most probable colour of each row of z under Eq. 2 (hard, or ignoring the truncation, or hard where z
    /// lies in some support and ignoring the truncation elsewhere).
    public func decode(_ z: Tensor, ignoringTruncation: Bool, fallback: Bool = false) -> [Int] {
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
            var best = -1
            var bestValue = -Float.infinity
            for j in 0..<k where logQ[n, j] + logP.scalars[j] > bestValue {
                best = j
                bestValue = logQ[n, j] + logP.scalars[j]
            }
            return best
        }
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
    public func sampleColourings(_ graphs: [Graph], decoding: ColouringDecoding,
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
                return decode(draws[g]!, ignoringTruncation: false, fallback: !accepted[g])
            case .ignoringTruncation:
                return decode(draws[g]!, ignoringTruncation: true)
            case .fallbackOutsideSupports:
                return decode(draws[g]!, ignoringTruncation: false, fallback: true)
            }
        }
        return SampledColourings(colourings: colourings, attempts: attempts,
                                 capped: { if case .rejection = decoding { return capped } else { return 0 } }())
    }

    /// Bits per node on `examples` (their stored colours): the single-sample negative ELBO (hard indicator, β = 1),
    /// and the importance-sampled estimate with `samples` draws per graph (log-mean-exp of per-graph ELBOs);
    /// total nats over total nodes, divided by ln 2. Neither includes log Z (as the paper's bpd).
    public func bitsPerNode(_ examples: [GraphColouringExample], samples: Int, batchSize: Int = 64,
                            using random: inout RandomSource) -> (elbo: Double, importanceSampled: Double) {
        var elboTotal = 0.0, isTotal = 0.0, nodes = 0
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
                if s == 0 { elboTotal += values.reduce(0, +) }
                for (i, v) in values.enumerated() { perGraph[i].append(v) }
            }
            isTotal += perGraph.map { logMeanExp($0) }.reduce(0, +)
        }
        let ln2 = Foundation.log(2.0)
        return (-elboTotal / Double(nodes) / ln2, -isTotal / Double(nodes) / ln2)
    }
}

/// The fraction of colourings with no monochromatic edge.
public func colouringValidity(_ graphs: [Graph], _ colourings: [[Int]]) -> Double {
    guard graphs.count == colourings.count else { fatalError("colouringValidity: one colouring per graph") }
    let valid = zip(graphs, colourings).filter { isValidColouring($0, $1, colourCount: 3) }.count
    return Double(valid) / Double(max(graphs.count, 1))
}
