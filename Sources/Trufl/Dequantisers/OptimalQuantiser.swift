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

/// The optimal quantiser (Eq. 2), in log space:
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
        let tape = z.tape
        let logJoint = logQ + tape.constant(marginal.logProbabilities)   // log q(z|k) P(k)
        let evidence = logJoint.logSumExp(axis: -1, keepDims: true)      // log Σ_k q(z|k) P(k)
        let covered = evidence .> -Float.infinity
        let safeEvidence = select(covered, evidence, 0)
        return select(covered, logJoint - safeEvidence, -Float.infinity)
    }

    /// log p(x|z) of Eq. 2 for the N categories `x` at z `[N, D]`: `[N]`.
    public func logLikelihood(of x: [Int], given z: Var, marginal: EmpiricalMarginal,
                              indicator: SupportIndicator = .hard, ownLogDensity: Var? = nil) -> Var {
        checkCategories(x, op: "logLikelihood")
        let own = ownLogDensity.map { (x: x, logDensity: $0) }
        return logPosterior(z, marginal: marginal, indicator: indicator, own: own).gather(lastAxis: x)
    }
}
