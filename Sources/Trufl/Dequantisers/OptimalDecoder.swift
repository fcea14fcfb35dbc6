import Foundation

/// The empirical category marginal P(x), counted on the training data (Eq. 2's prior over categories).
public struct EmpiricalMarginal: Sendable, Equatable {
    /// log P(k) for k = 0 … K−1 (−∞ for a category never seen).
    public let logProbabilities: Tensor

    /// The frequencies of `data` over `categories` categories.
    public init(counting data: [Int], categories: Int) {
        var counts = [Double](repeating: 0, count: categories)
        for c in data {
            guard c >= 0 && c < categories else { fatalError("EmpiricalMarginal: category \(c) is outside 0..<\(categories)") }
            counts[c] += 1
        }
        guard !data.isEmpty else { fatalError("EmpiricalMarginal: no data to count") }
        let total = Double(data.count)
        logProbabilities = Tensor(counts.map { Float(Foundation.log($0 / total)) })
    }

    /// Given probabilities (normalised here).
    public init(probabilities: [Double]) {
        let total = probabilities.reduce(0, +)
        guard total > 0, probabilities.allSatisfy({ $0 >= 0 }) else {
            fatalError("EmpiricalMarginal: probabilities must be non-negative with a positive sum")
        }
        logProbabilities = Tensor(probabilities.map { Float(Foundation.log($0 / total)) })
    }

    /// The uniform marginal over K categories.
    public static func uniform(_ categories: Int) -> EmpiricalMarginal {
        EmpiricalMarginal(probabilities: [Double](repeating: 1, count: categories))
    }

    /// K.
    public var categories: Int { logProbabilities.count }
}

/// The optimal decoder (Eq. 2), in log space:
/// log p(k|z) = log q(z|k) + log P(k) − logsumexp_j (log q(z|j) + log P(j)).
///
/// A category whose support misses z has log q = −∞ and drops out of the log-sum-exp. If z lies in no
/// category's support (possible only for a z not drawn from q, e.g. from the prior: Section 3.2 rejects
/// those), every log p(k|z) is −∞, without NaN.
extension Dequantiser {
    /// log p(k|z) for every k: z `[N, D]` → `[N, K]`.
    ///
    /// `own` (the categories z was drawn for, and log q(z|x) from the forward pass) replaces the recomputed
    /// log q(z|x_n) in the hard case, as CatNF's code does: the forward value is exact, while g⁻¹(g(z')) can
    /// round a sample on its own support's edge to just outside it. With a soft indicator every entry,
    /// the own one included, is the softened density, so numerator and denominator stay consistent.
    public func logPosterior(_ z: Var, marginal: EmpiricalMarginal, indicator: SupportIndicator = .hard,
                             own: (x: [Int], logDensity: Var)? = nil) -> Var {
        let logJoint = self.logJoint(z, marginal: marginal, indicator: indicator, own: own)
        let evidence = logJoint.logSumExp(axis: -1, keepDims: true)      // log Σ_k q(z|k) P(k)
        let covered = evidence .> -Float.infinity
        let safeEvidence = select(covered, evidence, 0)
        return select(covered, logJoint - safeEvidence, -Float.infinity)
    }

    /// log q(z|k) + log P(k) for every k: `[N, K]` (see ``logPosterior(_:marginal:indicator:own:)`` for `own`).
    func logJoint(_ z: Var, marginal: EmpiricalMarginal, indicator: SupportIndicator,
                  own: (x: [Int], logDensity: Var)?) -> Var {
        guard marginal.categories == categories else {
            fatalError("logPosterior: the marginal has \(marginal.categories) categories, the dequantiser \(categories)")
        }
        var logQ = logDensities(z, indicator: indicator)
        let n = z.shape[0]
        if let own, indicator == .hard {
            checkCategories(own.x, op: "logPosterior")
            var isOwn = [Bool](repeating: false, count: n * categories)
            for (i, c) in own.x.enumerated() { isOwn[i * categories + c] = true }
            logQ = select(Mask(shape: [n, categories], values: isOwn), own.logDensity.reshaped([n, 1]), logQ)
        }
        return logQ + z.tape.constant(marginal.logProbabilities)   // log q(z|k) P(k)
    }

    /// log p(x|z) of Eq. 2 for the N categories `x` at z `[N, D]`: `[N]`. The same as gathering
    /// ``logPosterior(_:marginal:indicator:own:)`` at x, in one tape node after the densities.
    public func logLikelihood(of x: [Int], given z: Var, marginal: EmpiricalMarginal,
                              indicator: SupportIndicator = .hard, ownLogDensity: Var? = nil) -> Var {
        checkCategories(x, op: "logLikelihood")
        let own = ownLogDensity.map { (x: x, logDensity: $0) }
        return logJoint(z, marginal: marginal, indicator: indicator, own: own).logPosteriorGathered(at: x)
    }
}

extension Var {
    /// For a `[N, K]` log joint ℓ: ℓ[n, x_n] − logsumexp_k ℓ[n, k] per row (`[N]`), −∞ for a row that is
    /// −∞ throughout (z in no support). Backward: g·(onehot(x_n) − softmax(ℓ[n])), zero for such rows;
    /// the same as `logSumExp`, `select` and `gather` composed, without their `[N, K]` intermediates.
    func logPosteriorGathered(at x: [Int]) -> Var {
        guard shape.rank == 2, shape[0] == x.count else {
            fatalError("logPosteriorGathered: \(shape) against \(x.count) categories")
        }
        let n = shape[0], k = shape[1]
        let logJoint = value
        let evidence = logJoint.logSumExp(axis: 1).scalars   // −∞ for a row that is −∞ throughout
        let out = (0..<n).map { i in evidence[i] > -.infinity ? logJoint.scalars[i * k + x[i]] - evidence[i] : -.infinity }
        return tape.custom(inputs: [self], value: Tensor(shape: [n], scalars: out)) { g in
            var grad = Tensor.zeros([n, k])
            logJoint.scalars.withUnsafeBufferPointer { lb in
                grad.scalars.withUnsafeMutableBufferPointer { gb in
                    let pl = lb.baseAddress!, pg = gb.baseAddress!
                    for i in 0..<n where g.scalars[i] != 0 && evidence[i].isFinite {
                        let gi = g.scalars[i], e = evidence[i]
                        VectorMath.forEach(pl + i * k, pg + i * k, 0, k) { -gi * VectorMath.exp($0 - e) }
                        pg[i * k + x[i]] += gi
                    }
                }
            }
            return [grad]
        }
    }
}
