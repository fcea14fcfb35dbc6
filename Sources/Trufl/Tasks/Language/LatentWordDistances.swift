import Foundation

/// Where a dequantiser puts words, measured in the latent space itself (the quantitative companion of Figure 4's
/// t-SNE picture, which shows only relative proximities and changes with its seed): each word's centre is the mean
/// of `samples` draws of q(z|k); every latent dimension is standardised by its spread over all the draws made here
/// (as the within-group standard deviation does); the distance of two words is the Euclidean distance of their
/// centres in those units. The chosen words' distances are read against the distances of random pairs of words,
/// drawn by training frequency (Eq. 2's P(x)): the fraction of random pairs closer than a chosen pair says whether
/// that pair is near by the standard of this latent space.
public struct LatentWordDistances: Sendable, Codable {
    /// The chosen categories, and their centres' distances, `[words × words]` row-major.
    public var categories: [Int]
    public var distances: [Double]
    /// The distances of the random pairs, ascending.
    public var referenceDistances: [Double]

    /// `pairs` random pairs of distinct categories drawn from `marginal`, beside the chosen `categories`.
    public static func measure(_ dequantiser: Dequantiser, categories: [Int], marginal: EmpiricalMarginal, pairs: Int,
                               samples: Int, using random: inout RandomSource) -> LatentWordDistances {
        guard pairs >= 1, samples >= 2, !categories.isEmpty else { fatalError("LatentWordDistances: needs pairs, ≥ 2 samples and words") }
        let probabilities = marginal.logProbabilities.scalars.map { Foundation.exp(Double($0)) }
        var cumulative = [Double](), running = 0.0
        for p in probabilities { running += p; cumulative.append(running) }
        func draw() -> Int {
            let u = random.uniform() * running
            var low = 0, high = cumulative.count - 1
            while low < high { let mid = (low + high) / 2; if cumulative[mid] < u { low = mid + 1 } else { high = mid } }
            return low
        }
        var reference: [(Int, Int)] = []
        while reference.count < pairs {
            let (a, b) = (draw(), draw())
            if a != b { reference.append((a, b)) }
        }
        // Every word's draws once: the chosen ones, then the reference words in order of first use.
        var order = categories, seen = Set(categories)
        for (a, b) in reference { for k in [a, b] where seen.insert(k).inserted { order.append(k) } }
        let d = dequantiser.dimensions
        var centres = [Int: [Double]](), sum = [Double](repeating: 0, count: d), squares = sum
        let groups = WithinGroupStandardDeviation.samples(of: dequantiser, categories: order, samples: samples, using: &random)
        for (k, group) in zip(order, groups) {
            var centre = [Double](repeating: 0, count: d)
            for z in group { for e in 0..<d { centre[e] += z[e] / Double(samples); sum[e] += z[e]; squares[e] += z[e] * z[e] } }
            centres[k] = centre
        }
        let total = Double(order.count * samples)
        let spread = (0..<d).map { e -> Double in
            let mean = sum[e] / total
            return Swift.max(squares[e] / total - mean * mean, 0).squareRoot()
        }
        for e in 0..<d where !(spread[e] > 0) { fatalError("LatentWordDistances: dimension \(e) is constant over all draws") }
        func distance(_ a: Int, _ b: Int) -> Double {
            let (x, y) = (centres[a]!, centres[b]!)
            return (0..<d).reduce(0.0) { $0 + Foundation.pow((x[$1] - y[$1]) / spread[$1], 2) }.squareRoot()
        }
        let n = categories.count
        var distances = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { distances[i * n + j] = distance(categories[i], categories[j]) } }
        return LatentWordDistances(categories: categories, distances: distances,
                                   referenceDistances: reference.map { distance($0.0, $0.1) }.sorted())
    }

    /// The distance of chosen words i and j (indices into ``categories``).
    public func distance(_ i: Int, _ j: Int) -> Double { distances[i * categories.count + j] }

    /// The fraction of random pairs closer than `value`.
    public func fractionCloser(than value: Double) -> Double {
        Double(referenceDistances.filter { $0 < value }.count) / Double(referenceDistances.count)
    }

    /// Chosen word i's nearest other chosen word (an index into ``categories``).
    public func nearest(to i: Int) -> Int {
        categories.indices.filter { $0 != i }.min { distance(i, $0) < distance(i, $1) }!
    }
}
