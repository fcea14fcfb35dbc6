import Foundation

/// A small joint distribution over T categorical variables with K categories each, given by its outcomes of
/// non-zero probability: the data of the toy experiments (chapter 04's single variable, chapter 05's Table 5).
public struct ToyDistribution: Sendable {
    /// K, the categories per variable.
    public let categories: Int
    /// The outcomes (x₁ … x_T) with P > 0.
    public let outcomes: [[Int]]
    /// P of each outcome (sums to 1).
    public let probabilities: [Double]

    public init(categories: Int, outcomes: [[Int]], probabilities: [Double]) {
        let total = probabilities.reduce(0, +)
        guard outcomes.count == probabilities.count, !outcomes.isEmpty, total > 0,
              Set(outcomes.map(\.count)).count == 1,
              outcomes.allSatisfy({ $0.allSatisfy { $0 >= 0 && $0 < categories } }) else {
            fatalError("ToyDistribution: outcomes and probabilities must match, with categories in 0..<\(categories)")
        }
        self.categories = categories
        self.outcomes = outcomes
        self.probabilities = probabilities.map { $0 / total }
    }

    /// Table 5 of the paper in the first of its two readings (chapter 00): rows x₁, columns x₂,
    /// (1/8, 0, 1/8, 0), (0, 1/8, 0, 1/8), (1/8, 0, 1/8, 0), (0, 0, 0, 1/4).
    public static let table5: ToyDistribution = {
        let joint: [[Double]] = [[0.125, 0, 0.125, 0], [0, 0.125, 0, 0.125], [0.125, 0, 0.125, 0], [0, 0, 0, 0.25]]
        var outcomes: [[Int]] = [], probabilities: [Double] = []
        for a in 0..<4 { for b in 0..<4 where joint[a][b] > 0 { outcomes.append([a, b]); probabilities.append(joint[a][b]) } }
        return ToyDistribution(categories: 4, outcomes: outcomes, probabilities: probabilities)
    }()

    /// One variable with the given category probabilities.
    public static func single(_ probabilities: [Double]) -> ToyDistribution {
        let kept = probabilities.indices.filter { probabilities[$0] > 0 }
        return ToyDistribution(categories: probabilities.count, outcomes: kept.map { [$0] },
                               probabilities: kept.map { probabilities[$0] })
    }

    /// T.
    public var length: Int { outcomes[0].count }

    /// H(x) in nats; the best log p(x) any model can reach on average is −H(x).
    public var entropy: Double { -probabilities.reduce(0) { $0 + $1 * Foundation.log($1) } }

    /// P(x = k) pooled over the T positions: Eq. 2's category marginal, as counting the training set gives it.
    public var pooledMarginal: EmpiricalMarginal {
        var counts = [Double](repeating: 0, count: categories)
        for (outcome, p) in zip(outcomes, probabilities) { for c in outcome { counts[c] += p / Double(length) } }
        return EmpiricalMarginal(probabilities: counts)
    }

    /// The probability of outcome `x` (0 if it is not one of the outcomes).
    public func probability(_ x: [Int]) -> Double {
        outcomes.firstIndex(of: x).map { probabilities[$0] } ?? 0
    }

    /// `count` independent draws, a `[count, T]` batch.
    public func sample(_ count: Int, using random: inout RandomSource) -> CategoryBatch {
        var rows: [[Int]] = []
        rows.reserveCapacity(count)
        for _ in 0..<count {
            var u = random.uniform()
            var chosen = outcomes.count - 1
            for (i, p) in probabilities.enumerated() {
                u -= p
                if u < 0 { chosen = i; break }
            }
            rows.append(outcomes[chosen])
        }
        return CategoryBatch(rows: rows)
    }
}
