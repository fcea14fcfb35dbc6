import Foundation

/// The importance-sampled log-likelihood with the dequantiser as proposal:
///
///     log p(x) ≈ log (1/S) Σ_s p(x|z_s) p(z_s) / q(z_s|x),   z_s ~ q(z|x),
///
/// a log-mean-exp over S samples of the single-sample ELBO terms (the hard decoder of Eq. 2). It is a
/// stochastic lower bound whose expectation rises towards log p(x) as S grows (S = 1 is the ELBO).
/// Returns one estimate per example, `[B]` in double precision; no gradient is recorded.
public func importanceSampledLogLikelihood(_ x: CategoryBatch, dequantiser: some Dequantiser, prior: some LatentDensity,
                                           marginal: EmpiricalMarginal, samples: Int,
                                           using random: inout RandomSource) -> [Double] {
    guard samples > 0 else { fatalError("importanceSampledLogLikelihood: needs at least one sample") }
    var weights = [[Double]](repeating: [], count: x.batchSize)
    for _ in 0..<samples {
        let tape = Tape()
        let terms = evidenceLowerBound(x, dequantiser: dequantiser, prior: prior, marginal: marginal,
                                       on: tape, using: &random)
        for (i, w) in terms.elbo.value.scalars.enumerated() { weights[i].append(Double(w)) }
    }
    return weights.map { logMeanExp($0) }
}

/// log((1/n) Σ exp(wᵢ)), −∞-safe (all −∞ gives −∞).
public func logMeanExp(_ w: [Double]) -> Double {
    guard let top = w.max(), top > -.infinity else { return -.infinity }
    if top == .infinity { return .infinity }
    let sum = w.reduce(0) { $0 + Foundation.exp($1 - top) }
    return top + Foundation.log(sum / Double(w.count))
}
