import Foundation

/// Does a dequantiser put categories `a` and `b` closer together than `c` and `d`, more often than a layout that
/// does not know the categories' names would? Figure 5's claim for the toy (Appendix C.1): categories 0 and 2 are
/// interchangeable in Table 5's joint, so a method that learns similarity should put them together.
///
/// Each seed gives a layout: the four categories' centres in z. Its statistic is log(d(a, b) / d(c, d)), negative
/// when a and b are the closer pair; the test's statistic is the mean over seeds. Under the null hypothesis the
/// layout ignores which category is which: the labels of each seed's centres are exchangeable, so the null
/// distribution is that of the statistic under an independent, uniformly random relabelling of every seed's four
/// centres (a permutation test). `pValue` is one-sided (the chance of a mean this low or lower), estimated from
/// `relabellings` draws with the usual +1 in numerator and denominator, so it is never 0.
public struct PairingTest: Sendable {
    /// The pairs compared: is `closer.0`–`closer.1` closer than `other.0`–`other.1`?
    public let closer: (Int, Int), other: (Int, Int)
    /// Per seed, log(d(closer) / d(other)).
    public let logRatios: [Double]
    /// Their mean.
    public let statistic: Double
    /// Monte Carlo permutation p-value, P(mean ≤ statistic) under relabelling.
    public let pValue: Double
    /// Seeds whose `closer` pair is the closer one, and the exact one-sided sign-test p-value P(X ≥ that count),
    /// X ~ Binomial(seeds, 1/2) (under relabelling each pair is the closer one with probability 1/2).
    public let closerCount: Int
    public let signPValue: Double
    public let relabellings: Int

    /// `centres[seed][k]` is category k's centre (any dimension, Euclidean distance); every layout needs the four
    /// categories named by the pairs, at distinct points.
    public init(centres: [[[Double]]], closer: (Int, Int) = (0, 2), other: (Int, Int) = (1, 3), relabellings: Int,
                using random: inout RandomSource) {
        guard !centres.isEmpty, relabellings > 0 else { fatalError("PairingTest: needs at least one layout and one relabelling") }
        let labels = [closer.0, closer.1, other.0, other.1]
        guard Set(labels).count == 4 else { fatalError("PairingTest: the two pairs must name four different categories") }
        let k = centres[0].count
        guard labels.allSatisfy({ $0 < k }), centres.allSatisfy({ $0.count == k }) else {
            fatalError("PairingTest: every layout needs \(k) centres, including categories \(labels)")
        }
        let distances = centres.map { layout in
            layout.map { a in layout.map { b in zip(a, b).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() } }
        }
        func logRatio(_ d: [[Double]], _ p: [Int]) -> Double {
            Foundation.log(d[p[closer.0]][p[closer.1]] / d[p[other.0]][p[other.1]])
        }
        let identity = Array(0..<k)
        let observed = distances.map { logRatio($0, identity) }
        guard observed.allSatisfy({ $0.isFinite }) else { fatalError("PairingTest: two centres of a pair coincide") }
        let statistic = observed.reduce(0, +) / Double(observed.count)
        var atMost = 0
        for _ in 0..<relabellings {
            var total = 0.0
            for d in distances {
                var p = identity
                for i in stride(from: k - 1, to: 0, by: -1) { p.swapAt(i, random.int(below: i + 1)) }   // Fisher–Yates
                total += logRatio(d, p)
            }
            // The same summation order as `statistic`'s, so a relabelling that reproduces the observed layout counts.
            if total / Double(distances.count) <= statistic { atMost += 1 }
        }
        self.closer = closer
        self.other = other
        logRatios = observed
        self.statistic = statistic
        pValue = Double(atMost + 1) / Double(relabellings + 1)
        closerCount = observed.filter { $0 < 0 }.count
        signPValue = Self.binomialUpperTail(atLeast: closerCount, of: observed.count)
        self.relabellings = relabellings
    }

    /// P(X ≥ m) for X ~ Binomial(n, 1/2), exactly (n ≤ 1000).
    public static func binomialUpperTail(atLeast m: Int, of n: Int) -> Double {
        guard m > 0 else { return 1 }
        guard m <= n else { return 0 }
        // Σ_{j ≥ m} C(n, j) / 2ⁿ, in log space term by term (C(n, j) overflows a Double past n ≈ 1000).
        var logTerm = -Double(n) * Foundation.log(2.0)   // j = 0
        var total = 0.0
        for j in 0...n {
            if j > 0 { logTerm += Foundation.log(Double(n - j + 1)) - Foundation.log(Double(j)) }
            if j >= m { total += Foundation.exp(logTerm) }
        }
        return min(total, 1)
    }
}
