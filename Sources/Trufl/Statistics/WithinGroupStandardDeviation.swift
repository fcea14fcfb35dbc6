import Foundation

/// Section 5.3's within-group standard deviation (WGSD): how much of the latent space's spread lies within one
/// category's samples rather than between categories. S samples per category; each latent dimension standardised
/// (mean 0, standard deviation 1) over all K × S samples; then, per category and dimension, the standard deviation
/// of its S standardised samples; the mean over dimensions and categories. 1 when every category's samples are
/// spread like all of them together, towards 0 as categories sit in tight, separate places.
///
/// The paper does not say which standard deviation; both here divide by the count (the population's), so that a
/// case with a known answer is exact: two categories at ±μ with spread σ each give σ / √(σ² + μ²).
public enum WithinGroupStandardDeviation {
    /// Per category its standard deviation averaged over dimensions, and the mean of those (the WGSD).
    /// `groups[k]` holds category k's samples, each a point of D coordinates (every group the same size S ≥ 2 and D).
    public static func evaluate(_ groups: [[[Double]]]) -> (value: Double, perCategory: [Double]) {
        guard let first = groups.first, let d = first.first?.count, d > 0 else {
            fatalError("WithinGroupStandardDeviation: no categories or no samples")
        }
        let s = first.count
        guard s >= 2, groups.allSatisfy({ $0.count == s && $0.allSatisfy { $0.count == d } }) else {
            fatalError("WithinGroupStandardDeviation: every category needs the same number (≥ 2) of samples of \(d) dimensions")
        }
        let total = Double(groups.count * s)
        var mean = [Double](repeating: 0, count: d), deviation = mean
        for group in groups { for z in group { for e in 0..<d { mean[e] += z[e] } } }
        for e in 0..<d { mean[e] /= total }
        for group in groups { for z in group { for e in 0..<d { deviation[e] += (z[e] - mean[e]) * (z[e] - mean[e]) } } }
        for e in 0..<d {
            deviation[e] = (deviation[e] / total).squareRoot()
            guard deviation[e] > 0 else { fatalError("WithinGroupStandardDeviation: dimension \(e) is constant over all samples") }
        }
        let perCategory = groups.map { group -> Double in
            var sum = 0.0
            for e in 0..<d {
                // The standardised values' mean and spread within the group.
                let values = group.map { ($0[e] - mean[e]) / deviation[e] }
                let m = values.reduce(0, +) / Double(s)
                sum += (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(s)).squareRoot()
            }
            return sum / Double(d)
        }
        return (perCategory.reduce(0, +) / Double(perCategory.count), perCategory)
    }

    /// The WGSD of `dequantiser` itself: `samples` draws of q(z|k) for each of `categories` (every category by
    /// default, as Section 5.3 takes 200 of each), without keeping them. Standardising is affine in each dimension,
    /// so a category's spread after it is its spread before, divided by the dimension's spread over all draws; and
    /// with equal groups that total variance is the mean within-category variance plus the variance of the category
    /// means (population variances throughout, as in ``evaluate(_:)``). So each category's draws are reduced to their
    /// mean and variance per dimension as they come: at K = 10,000 and 200 draws the draws themselves would be
    /// 2,000,000 rows. The same value as ``evaluate(_:)`` on ``samples(of:categories:samples:using:)`` with the same
    /// random stream, up to rounding.
    public static func evaluate(_ dequantiser: Dequantiser, categories: [Int]? = nil, samples: Int = 200,
                                using random: inout RandomSource) -> (value: Double, perCategory: [Double]) {
        let chosen = categories ?? Array(0..<dequantiser.categories)
        let d = dequantiser.dimensions
        guard samples >= 2, !chosen.isEmpty else { fatalError("WithinGroupStandardDeviation: needs categories and ≥ 2 samples each") }
        var means = [[Double]](), variances = [[Double]]()
        forEachGroup(of: dequantiser, categories: chosen, samples: samples, using: &random) { group in
            var mean = [Double](repeating: 0, count: d), variance = mean
            for z in group { for e in 0..<d { mean[e] += z[e] } }
            for e in 0..<d { mean[e] /= Double(samples) }
            for z in group { for e in 0..<d { variance[e] += (z[e] - mean[e]) * (z[e] - mean[e]) } }
            for e in 0..<d { variance[e] /= Double(samples) }
            means.append(mean)
            variances.append(variance)
        }
        let count = Double(chosen.count)
        let total = (0..<d).map { e -> Double in
            let grand = means.reduce(0.0) { $0 + $1[e] } / count
            let within = variances.reduce(0.0) { $0 + $1[e] } / count
            let between = means.reduce(0.0) { $0 + ($1[e] - grand) * ($1[e] - grand) } / count
            return (within + between).squareRoot()
        }
        for e in 0..<d where !(total[e] > 0) {
            fatalError("WithinGroupStandardDeviation: dimension \(e) is constant over all samples")
        }
        let perCategory = variances.map { v in (0..<d).reduce(0.0) { $0 + v[$1].squareRoot() / total[$1] } / Double(d) }
        return (perCategory.reduce(0, +) / count, perCategory)
    }

    /// `samples` draws of q(z|k) for each of `categories` (every category by default), grouped by category for
    /// ``evaluate(_:)`` (for a few categories: Figure 4 draws 200 of each of ten words).
    public static func samples(of dequantiser: Dequantiser, categories: [Int]? = nil, samples: Int = 200,
                               using random: inout RandomSource) -> [[[Double]]] {
        var groups: [[[Double]]] = []
        forEachGroup(of: dequantiser, categories: categories ?? Array(0..<dequantiser.categories), samples: samples,
                     using: &random) { groups.append($0) }
        return groups
    }

    /// `samples` draws of q(z|k) for each of `categories`, in double precision, handed to `body` group after group.
    /// They are drawn a block of categories per call (a call's cost includes a pass over all K categories'
    /// parameters, 20 ms at K = 10,000); the uniform noise is consumed in the same order as one call per category
    /// would, so the draws are the same, and only a block is held at once.
    static func forEachGroup(of dequantiser: Dequantiser, categories: [Int], samples: Int, using random: inout RandomSource,
                             _ body: ([[Double]]) -> Void) {
        let d = dequantiser.dimensions, perBlock = Swift.max(1, 16_384 / samples)
        for start in stride(from: 0, to: categories.count, by: perBlock) {
            let chosen = categories[start..<min(start + perBlock, categories.count)]
            let z = dequantiser.sample(chosen.flatMap { [Int](repeating: $0, count: samples) }, on: Tape(), using: &random).z.value
            for g in 0..<chosen.count {
                body((0..<samples).map { i in (0..<d).map { Double(z.scalars[(g * samples + i) * d + $0]) } })
            }
        }
    }
}
