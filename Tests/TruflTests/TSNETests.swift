import Foundation
import Testing
@testable import Trufl

/// Exact t-SNE (Figure 4): the perplexity calibration, the gradient, determinism under a seed, and that clusters
/// which are far apart in the data stay apart in the picture.
@Suite struct TSNETests {
    /// `clusters` Gaussian clusters of `each` points in `d` dimensions, unit spread, centres `separation` apart along
    /// their own axes; the points and their labels.
    func clusters(_ clusters: Int, _ each: Int, d: Int, separation: Double, seed: UInt64) -> ([[Double]], [Int]) {
        var random = RandomSource(seed: seed)
        var points: [[Double]] = [], labels: [Int] = []
        for c in 0..<clusters {
            for _ in 0..<each {
                points.append((0..<d).map { e in (e == c ? separation : 0) + random.normal() })
                labels.append(c)
            }
        }
        return (points, labels)
    }

    @Test func theSearchReachesThePerplexityInEveryRow() {
        let (points, _) = clusters(3, 40, d: 5, separation: 4, seed: 1)
        let n = points.count
        for perplexity in [5.0, 30.0] {
            let (p, entropies) = TSNE.conditionalProbabilities(TSNE.squaredDistances(points), count: n, perplexity: perplexity)
            for i in 0..<n {
                let row = p[(i * n)..<((i + 1) * n)]
                #expect(abs(row.reduce(0, +) - 1) < 1e-12 && p[i * n + i] == 0)
                // The entropy recomputed here from the row, not the search's own formula.
                let h = -row.reduce(0.0) { $1 > 0 ? $0 + $1 * Foundation.log($1) : $0 }
                #expect(abs(h - Foundation.log(perplexity)) <= 1e-5, "row \(i): H \(h), target \(Foundation.log(perplexity))")
                #expect(abs(entropies[i] - h) < 1e-9)
            }
        }
    }

    @Test func theJointIsSymmetricAndSumsToOne() {
        let (points, _) = clusters(2, 15, d: 3, separation: 3, seed: 2)
        let n = points.count
        let p = TSNE.jointProbabilities(TSNE.squaredDistances(points), count: n, perplexity: 8)
        #expect(abs(p.reduce(0, +) - 1) < 1e-9)
        for i in 0..<n { for j in 0..<n { #expect(p[i * n + j] == p[j * n + i]) } }
    }

    @Test func theGradientMatchesFiniteDifferencesOfTheDivergence() {
        let (points, _) = clusters(2, 6, d: 3, separation: 3, seed: 3)
        let n = points.count, m = 2
        let p = TSNE.jointProbabilities(TSNE.squaredDistances(points), count: n, perplexity: 4)
        var random = RandomSource(seed: 4)
        let y = (0..<(n * m)).map { _ in random.normal() }
        var gradient = [Double](repeating: 0, count: n * m)
        TSNE.gradient(p, y, count: n, dimensions: m, into: &gradient)
        let h = 1e-6
        var worst = 0.0
        for i in 0..<(n * m) {
            var up = y, down = y
            up[i] += h
            down[i] -= h
            let numeric = (TSNE.divergence(p, up, count: n, dimensions: m) - TSNE.divergence(p, down, count: n, dimensions: m)) / (2 * h)
            worst = max(worst, abs(numeric - gradient[i]) / max(1e-3, abs(numeric)))
        }
        #expect(worst < 1e-5, "worst relative difference \(worst)")
    }

    @Test func anEmbeddingIsAFunctionOfItsSeed() {
        let (points, _) = clusters(3, 20, d: 4, separation: 5, seed: 5)
        var tsne = TSNE(perplexity: 10, iterations: 300)
        tsne.exaggerationIterations = 100
        var a = RandomSource(seed: 9), b = RandomSource(seed: 9), c = RandomSource(seed: 10)
        let first = tsne.embed(points, using: &a), again = tsne.embed(points, using: &b), other = tsne.embed(points, using: &c)
        #expect(first.embedding.map(\.bitPattern) == again.embedding.map(\.bitPattern))
        #expect(first.embedding != other.embedding)
        #expect(first.embedding.allSatisfy(\.isFinite) && first.divergence.isFinite && first.divergence >= 0)
    }

    @Test func separatedClustersStaySeparated() {
        let (points, labels) = clusters(4, 40, d: 10, separation: 12, seed: 6)
        var random = RandomSource(seed: 7)
        let result = TSNE(perplexity: 20, iterations: 600).embed(points, using: &random)
        let n = points.count
        var agree = 0
        for i in 0..<n {
            var best = -1, bestDistance = Double.infinity
            for j in 0..<n where j != i {
                let d = zip(result.point(i), result.point(j)).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                if d < bestDistance { (best, bestDistance) = (j, d) }
            }
            if labels[best] == labels[i] { agree += 1 }
        }
        let agreement = Double(agree) / Double(n)
        #expect(agreement >= 0.95, "nearest-neighbour label agreement \(agreement)")
        // And apart as groups: each cluster's centroid is nearer its own points than any other cluster's centroid is.
        var centroids = [[Double]](repeating: [0, 0], count: 4)
        for i in 0..<n { for e in 0..<2 { centroids[labels[i]][e] += result.point(i)[result.point(i).startIndex + e] / 40 } }
        let nearestOwn = (0..<n).filter { i in
            let distances = centroids.map { c in zip(c, result.point(i)).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            return distances.indices.min { distances[$0] < distances[$1] } == labels[i]
        }.count
        #expect(nearestOwn == n, "\(n - nearestOwn) points sit nearer another cluster's centroid")
    }
}
