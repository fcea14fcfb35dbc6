import Foundation
import Trufl

/// Row 3: the TRUFL dequantiser with the optimal decoder (Eq. 2) on K = 50 categories in D = 8 dimensions,
/// 1024 × 64 tokens: sample z for each token's category (Eq. 6, with the category-conditional scale and
/// shift), evaluate log q(z|k) for every k with the soft support indicator used in training (τ = 0.02),
/// and take the loss E[log q(z|x) − log p(x|z)]; forward and backward.
final class DequantiserRow: BenchRow {
    typealias S = DequantiserShapes
    let dequantiser = TRUFLDequantiser(categories: S.categories, dimensions: S.dimension)
    let x: [Int]
    let noise: Tensor
    let marginal = EmpiricalMarginal.uniform(S.categories)
    var check = 0.0

    init() {
        dequantiser.mTilde.value = hashUniform([S.categories, S.dimension], seed: 31, bound: 1.5)
        dequantiser.sTilde.value = hashUniform([S.categories, S.dimension], seed: 32, bound: 1)
        dequantiser.flow!.shift.value = hashUniform([S.categories, S.dimension], seed: 33, bound: 0.5)
        dequantiser.flow!.logScale.value = hashUniform([S.categories, S.dimension], seed: 34, bound: 0.5)
        let tokens = S.batch * S.tokens
        x = hashUniform([tokens], seed: 35, bound: 1).scalars.map { min(S.categories - 1, Int(($0 + 1) / 2 * Float(S.categories))) }
        noise = hashUniform([tokens, S.dimension], seed: 36, bound: 1).map { ($0 + 1) / 2 + 0x1p-25 }
    }

    var info: [String: Any] {
        ["K": S.categories, "D": S.dimension, "tokens": "\(S.batch) × \(S.tokens)", "decoder": "optimal, soft τ = 0.02"]
    }

    func iterate() -> [String: Double] {
        dequantiser.parameters.zeroGradients()
        let t0 = now()
        let tape = Tape()
        let sample = dequantiser.sample(x, noise: noise, on: tape)
        let reconstruction = dequantiser.logLikelihood(of: x, given: sample.z, marginal: marginal,
                                                       indicator: .soft(temperature: 0.02))
        let loss = (sample.logDensity - reconstruction).mean()
        let t1 = now()
        loss.backward()
        let t2 = now()
        check = Double(loss.scalar)
        return ["forward": t1 - t0, "backward": t2 - t1, "forward+backward": t2 - t0]
    }
}
