import Foundation
import Trufl

/// Row 8: the optimal decoder (Eq. 2) at the word-level scale of Table 4: log p(x|z) for a batch of tokens over
/// K = 10,000 categories in D = 12 dimensions. Given z (an input, as the dequantiser's sample is in training) and each
/// token's category x: log q(z|k) for every k (Algorithm 1's loop, with the category-conditional scale and shift),
/// plus log P(k), less its log-sum-exp over k, at x; the loss −mean log p(x|z); forward and backward (into z and
/// every parameter). TRUFL with the soft support indicator of training (τ = 0.02), or CatNF (its base scale 1/1.81).
final class DecoderRow: BenchRow {
    typealias S = DecoderShapes
    let dequantiser: Dequantiser
    let indicator: SupportIndicator
    let x: [Int]
    let z: Tensor
    let marginal = EmpiricalMarginal.uniform(S.categories)
    var check = 0.0

    init(catNF: Bool) {
        let k = S.categories, d = S.dimension
        if catNF {
            let q = CatNFDequantiser(categories: k, dimensions: d, baseScale: CatNFDequantiser.catNFBaseScale)
            q.flow!.shift.value = hashUniform([k, d], seed: 43, bound: 2)
            q.flow!.logScale.value = hashUniform([k, d], seed: 44, bound: 0.5)
            (dequantiser, indicator) = (q, .hard)
        } else {
            let q = TRUFLDequantiser(categories: k, dimensions: d)
            q.mTilde.value = hashUniform([k, d], seed: 41, bound: 1.5)
            q.sTilde.value = hashUniform([k, d], seed: 42, bound: 1)
            q.flow!.shift.value = hashUniform([k, d], seed: 43, bound: 2)
            q.flow!.logScale.value = hashUniform([k, d], seed: 44, bound: 0.5)
            (dequantiser, indicator) = (q, .soft(temperature: S.temperature))
        }
        x = hashUniform([S.tokens], seed: 45, bound: 1).scalars.map { min(k - 1, Int(($0 + 1) / 2 * Float(k))) }
        z = hashUniform([S.tokens, d], seed: 46, bound: 4)
    }

    var info: [String: Any] {
        ["K": S.categories, "D": S.dimension, "tokens": S.tokens,
         "dequantiser": dequantiser is CatNFDequantiser ? "CatNF, base scale 1/1.81" : "TRUFL, soft τ = 0.02"]
    }

    func iterate() -> [String: Double] {
        dequantiser.parameters.zeroGradients()
        let t0 = now()
        let tape = Tape()
        let zv = tape.variable(z)
        let reconstruction = dequantiser.logLikelihood(of: x, given: zv, marginal: marginal, indicator: indicator)
        let loss = -reconstruction.mean()
        let t1 = now()
        loss.backward()
        let t2 = now()
        check = Double(loss.scalar)
        return ["forward": t1 - t0, "backward": t2 - t1, "forward+backward": t2 - t0]
    }
}
