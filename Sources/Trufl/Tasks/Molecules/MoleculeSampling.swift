/// How the molecule model's prior draws are turned into molecules.
public enum MoleculeDecoding: Sendable, Equatable {
    /// One draw, decoded with Eq. 2 (the paper's "TRUFL, no rejection"). For TRUFL a latent row that lies in some
    /// category's support is decoded with the exact Eq. 2, a row in no support with Eq. 2's densities without their
    /// indicators: chapter 06's reading (b). Its reading (a), every row without the indicators, turns the
    /// molecules' latents into their most frequent categories (carbon, `none`) wherever the densities are alike, and
    /// is not used. For CatNF and Argmax the ordinary decoder (their supports cover ℝᴰ, up to Argmax's ties).
    case oneDraw
    /// Algorithm 2 over node and edge latents together: redraw a molecule's whole z = (z_V, z_E) from the prior
    /// until every atom's and every pair's latent lies in some category's support, at most `maxAttempts` draws; then
    /// the exact Eq. 2. A molecule still rejected at the cap keeps its last draw, decoded as ``oneDraw``.
    case rejection(maxAttempts: Int)
}

/// Sampled molecules with the rejection counts of Algorithm 2.
public struct SampledMolecules: Sendable {
    public let graphs: [MoleculeGraph]
    /// Prior draws per molecule (1 without rejection).
    public let attempts: [Int]
    /// Molecules that hit the cap without an accepted draw.
    public let capped: Int
    /// TRUFL: the fraction of the atoms' and of the pairs' latent rows of the first draws that lie in some
    /// category's support (Algorithm 2 needs all of a molecule's rows inside at once); nil for the others. Under
    /// rejection a first draw's pairs are drawn only when its atoms all passed, so read the pairs' fraction from
    /// ``MoleculeDecoding/oneDraw``, where every molecule's are.
    public let firstDrawInSupport: (atoms: Double, pairs: Double)?

    /// Rejected draws / all draws.
    public var rejectionRate: Double {
        let total = attempts.reduce(0, +)
        return Double(total - attempts.count + capped) / Double(max(total, 1))
    }
}

extension MoleculeModel {
    /// `count` molecules: for each, n from the training distribution of atom counts, z_V ~ p_node(·|n), then
    /// z_E ~ p_edge(·|z_V), then the decoder (Eq. 2, with or without Algorithm 2); `chunk` molecules at a time.
    public func sample(_ count: Int, decoding: MoleculeDecoding, chunk: Int = 64,
                       using random: inout RandomSource) -> SampledMolecules {
        var graphs: [MoleculeGraph] = [], attempts: [Int] = [], capped = 0
        let truncated = atomDequantiser is TRUFLDequantiser
        var inside = (atoms: 0, atomRows: 0, pairs: 0, pairRows: 0)
        graphs.reserveCapacity(count)
        let cap: Int
        switch decoding {
        case .oneDraw: cap = 1
        case .rejection(let maxAttempts):
            guard maxAttempts >= 1 else { fatalError("MoleculeModel.sample: at least one attempt, not \(maxAttempts)") }
            cap = maxAttempts
        }
        let dV = atomDequantiser.dimensions, dE = bondDequantiser.dimensions
        var start = 0
        while start < count {
            let size = min(chunk, count - start)
            start += size
            let counts = (0..<size).map { _ in FrequencyBaseline.draw(atomCountFrequencies, &random) }
            var atomRows = [[Float]](repeating: [], count: size), pairRows = [[Float]](repeating: [], count: size)
            var tries = [Int](repeating: 0, count: size), accepted = [Bool](repeating: false, count: size)
            var pending = Array(0..<size)
            while !pending.isEmpty {
                let batch = MoleculeBatch(atomCounts: pending.map { counts[$0] })
                let zV = nodePrior.sample(graph: batch.atomGraph, using: &random)
                var ok = [Bool](repeating: true, count: pending.count)
                if cap > 1 || truncated {
                    for (row, isInside) in CategoryDecoding.inSupport(zV, dequantiser: atomDequantiser).enumerated() {
                        if !isInside { ok[batch.moleculeOfAtom[row]] = false }
                        if tries[pending[batch.moleculeOfAtom[row]]] == 0 {
                            inside.atomRows += 1
                            if isInside { inside.atoms += 1 }
                        }
                    }
                }
                for (i, m) in pending.enumerated() {
                    let a = batch.atomOffsets[i], n = batch.atomCounts[i]
                    atomRows[m] = Array(zV.scalars[(a * dV)..<((a + n) * dV)])
                    tries[m] += 1
                }
                // A draw whose atoms already fall outside every support is rejected whatever its edges: they are
                // drawn only for the others, and for a last attempt (whose draw is kept).
                let withEdges = pending.indices.filter { ok[$0] || tries[pending[$0]] == cap }
                guard !withEdges.isEmpty else {
                    for m in pending { accepted[m] = false }
                    pending = pending.filter { tries[$0] < cap }
                    continue
                }
                let edgeBatch = MoleculeBatch(atomCounts: withEdges.map { counts[pending[$0]] })
                let zE = edgePrior.sample(atoms: Tensor(shape: [edgeBatch.atomCount, dV],
                                                        scalars: withEdges.flatMap { atomRows[pending[$0]] }),
                                          batch: edgeBatch, using: &random)
                var edgesOK = [Bool](repeating: true, count: withEdges.count)
                if cap > 1 || truncated {
                    for (row, isInside) in CategoryDecoding.inSupport(zE, dequantiser: bondDequantiser).enumerated() {
                        if !isInside { edgesOK[edgeBatch.moleculeOfPair[row]] = false }
                        if tries[pending[withEdges[edgeBatch.moleculeOfPair[row]]]] == 1 {
                            inside.pairRows += 1
                            if isInside { inside.pairs += 1 }
                        }
                    }
                }
                for (e, i) in withEdges.enumerated() {
                    let p = edgeBatch.pairOffsets[e], n = edgeBatch.atomCounts[e]
                    pairRows[pending[i]] = Array(zE.scalars[(p * dE)..<((p + n * (n - 1) / 2) * dE)])
                    ok[i] = ok[i] && edgesOK[e]
                }
                var next: [Int] = []
                for (i, m) in pending.enumerated() {
                    accepted[m] = ok[i]  // true only for a molecule whose edges were drawn
                    if !accepted[m] && tries[m] < cap { next.append(m) }
                }
                pending = next
            }
            if cap > 1 { capped += accepted.filter { !$0 }.count }
            let batch = MoleculeBatch(atomCounts: counts)
            let zV = Tensor(shape: [batch.atomCount, dV], scalars: atomRows.flatMap { $0 })
            let zE = Tensor(shape: [batch.pairCount, dE], scalars: pairRows.flatMap { $0 })
            let atoms = CategoryDecoding.decode(zV, dequantiser: atomDequantiser, marginal: atomMarginal)
            let bonds = CategoryDecoding.decode(zE, dequantiser: bondDequantiser, marginal: bondMarginal)
            for g in 0..<size {
                graphs.append(batch.graph(g, atoms: atoms, bonds: bonds, atomTypes: atomTypes))
            }
            attempts.append(contentsOf: tries)
        }
        let fractions = truncated ? (atoms: Double(inside.atoms) / Double(max(inside.atomRows, 1)),
                                     pairs: Double(inside.pairs) / Double(max(inside.pairRows, 1))) : nil
        return SampledMolecules(graphs: graphs, attempts: attempts, capped: capped, firstDrawInSupport: fractions)
    }
}
