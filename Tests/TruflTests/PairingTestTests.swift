import Foundation
import Testing
@testable import Trufl

@Suite struct PairingTestTests {
    /// Four centres with d(0, 2) = near and d(1, 3) = far, the other four distances between them.
    func layout(near: Double, far: Double, turn: Double) -> [[Double]] {
        // 0 and 2 on a short segment, 1 and 3 on a long one across it, rotated by `turn`.
        let points = [[-near / 2, 0], [0, -far / 2], [near / 2, 0], [0, far / 2]]
        return points.map { p in [p[0] * cos(turn) - p[1] * sin(turn), p[0] * sin(turn) + p[1] * cos(turn)] }
    }

    @Test func theStatisticIsTheMeanLogRatio() {
        var random = RandomSource(seed: 1)
        let test = PairingTest(centres: [layout(near: 1, far: 2, turn: 0.3), layout(near: 3, far: 1, turn: 1)],
                               relabellings: 10, using: &random)
        #expect(abs(test.logRatios[0] - Foundation.log(0.5)) < 1e-12)
        #expect(abs(test.logRatios[1] - Foundation.log(3.0)) < 1e-12)
        #expect(abs(test.statistic - (Foundation.log(0.5) + Foundation.log(3.0)) / 2) < 1e-12)
        #expect(test.closerCount == 1)
    }

    /// Against the exact permutation distribution: with two seeds each relabelling gives one of 6 × 6 equally likely
    /// pairs of log ratios (the pair of 0 and 2 is any of the six pairs, that of 1 and 3 its complement).
    @Test func thePValueMatchesTheExactPermutationDistribution() {
        let layouts = [[[0.0, 0], [1, 0.2], [0.3, 2], [2.5, 1]], [[1.0, 1], [0, 0], [1.5, 0.4], [-1, 3]]]
        func d(_ l: [[Double]], _ a: Int, _ b: Int) -> Double { hypot(l[a][0] - l[b][0], l[a][1] - l[b][1]) }
        let matchings = [((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))]
        let values = layouts.map { l in
            matchings.flatMap { m in [Foundation.log(d(l, m.0.0, m.0.1) / d(l, m.1.0, m.1.1)), Foundation.log(d(l, m.1.0, m.1.1) / d(l, m.0.0, m.0.1))] }
        }
        let observed = (Foundation.log(d(layouts[0], 0, 2) / d(layouts[0], 1, 3)) + Foundation.log(d(layouts[1], 0, 2) / d(layouts[1], 1, 3))) / 2
        var atMost = 0
        for a in values[0] { for b in values[1] where (a + b) / 2 <= observed + 1e-12 { atMost += 1 } }
        let exact = Double(atMost) / 36
        var random = RandomSource(seed: 2)
        let test = PairingTest(centres: layouts, relabellings: 40_000, using: &random)
        #expect(abs(test.statistic - observed) < 1e-12)
        // Binomial standard error of the Monte Carlo estimate at 40,000 draws: at most 0.0025; 4 of them.
        #expect(abs(test.pValue - exact) < 0.01)
    }

    @Test func aConsistentPairingIsSignificantAndAnIndifferentOneIsNot() {
        var random = RandomSource(seed: 3)
        let paired = (0..<10).map { layout(near: 0.5, far: 2, turn: Double($0)) }
        let test = PairingTest(centres: paired, relabellings: 20_000, using: &random)
        #expect(test.closerCount == 10)
        #expect(test.pValue < 0.001)
        #expect(abs(test.signPValue - 1.0 / 1024) < 1e-15)
        // Swapping which pair is near: the same layouts read the other way are as far from significant as can be.
        let reversed = PairingTest(centres: paired, closer: (1, 3), other: (0, 2), relabellings: 20_000, using: &random)
        #expect(reversed.closerCount == 0)
        #expect(reversed.pValue > 0.99)
        #expect(reversed.signPValue == 1)
    }

    @Test func binomialTailsAreExact() {
        #expect(PairingTest.binomialUpperTail(atLeast: 0, of: 10) == 1)
        #expect(abs(PairingTest.binomialUpperTail(atLeast: 9, of: 10) - 11.0 / 1024) < 1e-15)
        #expect(abs(PairingTest.binomialUpperTail(atLeast: 5, of: 10) - 638.0 / 1024) < 1e-14)
        #expect(PairingTest.binomialUpperTail(atLeast: 11, of: 10) == 0)
        #expect(abs(PairingTest.binomialUpperTail(atLeast: 1, of: 2000) - 1) < 1e-12)
    }
}
