import Foundation
import Testing
@testable import Trufl

/// Section 5.3's within-group standard deviation on cases whose answer is known.
@Suite struct WithinGroupStandardDeviationTests {
    @Test func twoCategoriesWithAKnownAnswer() {
        // Dimension 0: categories at −3 and 3, each spread ±4: total variance 16 + 9 = 25, within 4 / 5 = 0.8.
        // Dimension 1: both categories {−2, 2}: within = total, 1. Each category: (0.8 + 1) / 2 = 0.9.
        let groups: [[[Double]]] = [[[-7, -2], [1, 2]], [[-1, -2], [7, 2]]]
        let result = WithinGroupStandardDeviation.evaluate(groups)
        #expect(abs(result.value - 0.9) < 1e-12)
        #expect(result.perCategory.allSatisfy { abs($0 - 0.9) < 1e-12 })
        // Standardising makes it blind to each dimension's scale and offset.
        let moved = groups.map { $0.map { [7 * $0[0] + 3, -0.5 * $0[1] - 11] } }
        #expect(abs(WithinGroupStandardDeviation.evaluate(moved).value - 0.9) < 1e-12)
    }

    @Test func unequalSpreadsAreAveragedPerCategory() {
        // One dimension: category 0 {−1, 1} (spread 1), category 1 {−3, 3} (spread 3); total variance (1 + 9)/2 = 5.
        let result = WithinGroupStandardDeviation.evaluate([[[-1], [1]], [[-3], [3]]])
        let root5 = 5.0.squareRoot()
        #expect(abs(result.perCategory[0] - 1 / root5) < 1e-12 && abs(result.perCategory[1] - 3 / root5) < 1e-12)
        #expect(abs(result.value - 2 / root5) < 1e-12)
    }

    @Test func itNeverExceedsOne() {
        // With equal group sizes the mean within-group variance is at most the total, and the mean of square roots
        // at most the square root of the mean.
        var random = RandomSource(seed: 3)
        for _ in 0..<20 {
            let groups = (0..<5).map { _ -> [[Double]] in
                let centre = random.normal() * 0.3, spread = random.uniform() * 2
                return (0..<30).map { _ in (0..<3).map { _ in centre + spread * random.normal() } }
            }
            let value = WithinGroupStandardDeviation.evaluate(groups).value
            #expect(value > 0 && value <= 1 + 1e-12, "\(value)")
        }
    }

    @Test func samplesComeFromTheirOwnCategory() {
        // Argmax's supports are orthants: every sample of category k has the signs of k's code, so the groups are
        // the categories; TRUFL's and CatNF's draws have the requested shape and a WGSD in (0, 1].
        var random = RandomSource(seed: 4)
        for (name, q) in Dequantisers.all() {
            let groups = WithinGroupStandardDeviation.samples(of: q, categories: [0, 2], samples: 200, using: &random)
            #expect(groups.count == 2 && groups.allSatisfy { $0.count == 200 && $0.allSatisfy { $0.count == q.dimensions } }, "\(name)")
            let value = WithinGroupStandardDeviation.evaluate(groups).value
            #expect(value > 0 && value <= 1, "\(name): \(value)")
            let z = Tensor(shape: [400, q.dimensions], scalars: groups.flatMap { $0.flatMap { $0.map(Float.init) } })
            let decoded = q.decode(z, marginal: .uniform(q.categories))
            if name.hasPrefix("Argmax") { #expect(decoded == [Int](repeating: 0, count: 200) + [Int](repeating: 2, count: 200)) }
        }
    }

    @Test func theStreamingFormAgreesWithTheSamples() {
        // The same random stream gives the same draws; reduced as they come or kept, the WGSD is the same.
        for (name, q) in Dequantisers.all() {
            var a = RandomSource(seed: 5), b = RandomSource(seed: 5)
            let kept = WithinGroupStandardDeviation.evaluate(WithinGroupStandardDeviation.samples(of: q, samples: 50, using: &a))
            let streamed = WithinGroupStandardDeviation.evaluate(q, samples: 50, using: &b)
            #expect(abs(kept.value - streamed.value) < 1e-12, "\(name): \(kept.value) against \(streamed.value)")
            for (u, v) in zip(kept.perCategory, streamed.perCategory) { #expect(abs(u - v) < 1e-12, "\(name)") }
        }
    }
}
