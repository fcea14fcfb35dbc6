/// The most probable category of each row of z under Eq. 2, for the molecule model's two dequantisers: the exact
/// (hard) Eq. 2 where the row lies in some category's support, and for a row in no support (TRUFL's only) Eq. 2 with
/// the densities without their indicators (``TRUFLDequantiser/logDensitiesIgnoringTruncation(_:)``), so that every
/// row gets a category: chapter 06's reading (b) of "decoding without rejection".
enum CategoryDecoding {
    static func decode(_ z: Tensor, dequantiser: any Dequantiser, marginal: EmpiricalMarginal) -> [Int] {
        let tape = Tape()
        let k = dequantiser.categories, n = z.shape[0]
        var logQ = dequantiser.logDensities(tape.constant(z), indicator: .hard).value
        if let truncated = dequantiser as? TRUFLDequantiser {
            var loose: Tensor?
            for row in 0..<n where !(0..<k).contains(where: { logQ.scalars[row * k + $0] > -.infinity }) {
                if loose == nil { loose = truncated.logDensitiesIgnoringTruncation(tape.constant(z)).value }
                for j in 0..<k { logQ.scalars[row * k + j] = loose!.scalars[row * k + j] }
            }
        }
        let logP = marginal.logProbabilities.scalars
        return (0..<n).map { row in
            var best = -1
            var bestValue = -Float.infinity
            for j in 0..<k where logQ.scalars[row * k + j] + logP[j] > bestValue {
                best = j
                bestValue = logQ.scalars[row * k + j] + logP[j]
            }
            guard best >= 0 else { fatalError("CategoryDecoding: a latent row with no finite density (\(z.shape))") }
            return best
        }
    }

    /// Whether each row of z lies in some category's support (always true for CatNF).
    static func inSupport(_ z: Tensor, dequantiser: any Dequantiser) -> [Bool] {
        let logQ = dequantiser.logDensities(Tape().constant(z), indicator: .hard).value
        let k = dequantiser.categories
        return (0..<z.shape[0]).map { row in (0..<k).contains { logQ.scalars[row * k + $0] > -.infinity } }
    }
}
