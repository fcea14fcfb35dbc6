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

    /// `samples` draws of q(z|k) for each of `categories` (every category by default) from `dequantiser`, as
    /// Section 5.3 takes them (200 per category), grouped by category for ``evaluate(_:)``.
    public static func samples(of dequantiser: Dequantiser, categories: [Int]? = nil, samples: Int = 200,
                               using random: inout RandomSource) -> [[[Double]]] {
        let chosen = categories ?? Array(0..<dequantiser.categories)
        let d = dequantiser.dimensions
        // One category at a time: at K = 10,000 a single draw of every sample would be 2,000,000 rows.
        return chosen.map { k in
            let z = dequantiser.sample([Int](repeating: k, count: samples), on: Tape(), using: &random).z.value
            return (0..<samples).map { i in (0..<d).map { Double(z.scalars[i * d + $0]) } }
        }
    }
}
