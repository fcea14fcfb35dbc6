import Foundation

/// Exact t-SNE (van der Maaten & Hinton 2008), for Figure 4's pictures of q(z|x): each point's Gaussian neighbourhood
/// calibrated by binary search to a given perplexity, symmetrised, and matched by a Student-t (one degree of freedom)
/// neighbourhood in the embedding, minimising KL(P‖Q) by gradient descent with momentum, per-coordinate gains and
/// early exaggeration.
///
/// Exact: every pair enters every step, O(N²) time per iteration and N² doubles for P; meant for Figure 4's
/// 10 × 200 points, not for tens of thousands. Everything is in double precision and runs in one thread in a fixed
/// order, so an embedding is a function of the points and the seed of the ``RandomSource`` it starts from.
public struct TSNE: Sendable {
    /// The target perplexity exp(H(P_i)) of each point's neighbourhood (H in nats): its effective number of neighbours.
    public var perplexity: Double = 30
    /// The embedding's dimension.
    public var dimensions: Int = 2
    /// Gradient-descent iterations in all.
    public var iterations: Int = 1000
    /// P is multiplied by this for the first ``exaggerationIterations`` iterations, which pulls clusters apart early.
    public var earlyExaggeration: Double = 12
    public var exaggerationIterations: Int = 250
    /// The step size, and the momentum before and after ``momentumSwitch``.
    public var learningRate: Double = 200
    public var initialMomentum: Double = 0.5, finalMomentum: Double = 0.8
    public var momentumSwitch: Int = 250
    /// The starting points' standard deviation (they are drawn from N(0, σ²) with the seed given).
    public var initialScale: Double = 1e-4

    public init(perplexity: Double = 30, dimensions: Int = 2, iterations: Int = 1000) {
        (self.perplexity, self.dimensions, self.iterations) = (perplexity, dimensions, iterations)
    }

    /// An embedding and how well it fits.
    public struct Result: Sendable {
        /// `[N × dimensions]`, row-major, centred.
        public let embedding: [Double]
        public let dimensions: Int
        /// KL(P‖Q) at the end (without exaggeration), in nats.
        public let divergence: Double
        /// Point i's coordinates.
        public func point(_ i: Int) -> ArraySlice<Double> { embedding[(i * dimensions)..<((i + 1) * dimensions)] }
        public var count: Int { embedding.count / dimensions }
    }

    /// The embedding of `points` (N rows of equal length), starting from a draw of `random`.
    public func embed(_ points: [[Double]], using random: inout RandomSource) -> Result {
        let n = points.count
        guard n >= 2 else { fatalError("t-SNE: needs at least two points, got \(n)") }
        guard perplexity >= 1, perplexity <= Double(n - 1) else {
            fatalError("t-SNE: the perplexity \(perplexity) must lie in [1, N − 1 = \(n - 1)]")
        }
        guard dimensions >= 1, iterations >= 0, learningRate > 0 else { fatalError("t-SNE: bad settings \(self)") }
        var p = Self.jointProbabilities(Self.squaredDistances(points), count: n, perplexity: perplexity)
        let m = dimensions
        var y = (0..<(n * m)).map { _ in random.normal() * initialScale }
        var update = [Double](repeating: 0, count: n * m)
        var gains = [Double](repeating: 1, count: n * m)
        var gradient = [Double](repeating: 0, count: n * m)
        Self.scale(&p, by: earlyExaggeration)
        for iteration in 0..<iterations {
            if iteration == exaggerationIterations { Self.scale(&p, by: 1 / earlyExaggeration) }
            _ = Self.gradient(p, y, count: n, dimensions: m, into: &gradient)
            let momentum = iteration < momentumSwitch ? initialMomentum : finalMomentum
            for i in 0..<(n * m) {
                // Gains grow where the gradient's sign keeps opposing the last step, shrink where it agrees.
                gains[i] = (gradient[i] > 0) != (update[i] > 0) ? gains[i] + 0.2 : Swift.max(gains[i] * 0.8, 0.01)
                update[i] = momentum * update[i] - learningRate * gains[i] * gradient[i]
                y[i] += update[i]
            }
            Self.centre(&y, count: n, dimensions: m)
        }
        if iterations < exaggerationIterations { Self.scale(&p, by: 1 / earlyExaggeration) }
        return Result(embedding: y, dimensions: m, divergence: Self.divergence(p, y, count: n, dimensions: m))
    }

    // MARK: the pieces, each tested on its own

    /// Squared Euclidean distances, `[N × N]`.
    static func squaredDistances(_ points: [[Double]]) -> [Double] {
        let n = points.count, d = points[0].count
        guard points.allSatisfy({ $0.count == d }) else { fatalError("t-SNE: the points have different lengths") }
        guard points.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { fatalError("t-SNE: a point has a non-finite coordinate") }
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<Swift.max(i + 1, n) {
                var s = 0.0
                for e in 0..<d { let t = points[i][e] - points[j][e]; s += t * t }
                out[i * n + j] = s
                out[j * n + i] = s
            }
        }
        return out
    }

    /// Row i of the conditional P_{j|i} ∝ exp(−β_i‖x_i − x_j‖²) (P_{i|i} = 0), with β_i found by bisection so that
    /// its entropy is log(perplexity) within `tolerance` nats; the rows `[N × N]` and the entropies reached.
    static func conditionalProbabilities(_ distances: [Double], count n: Int, perplexity: Double,
                                         tolerance: Double = 1e-5) -> (p: [Double], entropy: [Double]) {
        let target = Foundation.log(perplexity)
        var p = [Double](repeating: 0, count: n * n), entropies = [Double](repeating: 0, count: n)
        var row = [Double](repeating: 0, count: n)
        for i in 0..<n {
            // Distances less the nearest one: the same P, without exp underflowing to 0 for every j.
            var nearest = Double.infinity
            for j in 0..<n where j != i { nearest = Swift.min(nearest, distances[i * n + j]) }
            func entropy(_ beta: Double) -> Double {
                var sum = 0.0, weighted = 0.0
                for j in 0..<n where j != i {
                    let d = distances[i * n + j] - nearest
                    let w = Foundation.exp(-beta * d)
                    row[j] = w
                    sum += w
                    weighted += w * d
                }
                row[i] = 0
                for j in 0..<n { row[j] /= sum }
                return Foundation.log(sum) + beta * weighted / sum   // H = log Σ w + β E[d]
            }
            // H falls from log(N − 1) at β = 0 towards log(ties at the nearest distance) as β → ∞.
            var low = 0.0, high = Double.infinity, beta = 1.0
            var h = entropy(beta)
            var steps = 0
            while Swift.abs(h - target) > tolerance && steps < 200 {
                steps += 1
                if h > target { low = beta; beta = high.isFinite ? (beta + high) / 2 : beta * 2 }
                else { high = beta; beta = (beta + low) / 2 }
                h = entropy(beta)
            }
            entropies[i] = h
            for j in 0..<n { p[i * n + j] = row[j] }
        }
        return (p, entropies)
    }

    /// The symmetric joint P_ij = (P_{j|i} + P_{i|j}) / 2N, floored at 10⁻¹² (so that log P is finite).
    static func jointProbabilities(_ distances: [Double], count n: Int, perplexity: Double) -> [Double] {
        let conditional = conditionalProbabilities(distances, count: n, perplexity: perplexity).p
        var p = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                p[i * n + j] = Swift.max((conditional[i * n + j] + conditional[j * n + i]) / Double(2 * n), 1e-12)
            }
        }
        return p
    }

    static func scale(_ p: inout [Double], by factor: Double) { for i in p.indices { p[i] *= factor } }

    static func centre(_ y: inout [Double], count n: Int, dimensions m: Int) {
        for e in 0..<m {
            var mean = 0.0
            for i in 0..<n { mean += y[i * m + e] }
            mean /= Double(n)
            for i in 0..<n { y[i * m + e] -= mean }
        }
    }

    /// The gradient of KL(P‖Q) in y, with w_ij = 1/(1 + ‖y_i − y_j‖²), Q = w/Σw:
    /// ∂/∂y_i = 4 Σ_j (P_ij − Q_ij) w_ij (y_i − y_j) = 4 (Σ_j P_ij w_ij (y_i − y_j) − Σ_j w_ij² (y_i − y_j) / Σw),
    /// one pass over the pairs i < j. Returns Σw.
    @discardableResult
    static func gradient(_ p: [Double], _ y: [Double], count n: Int, dimensions m: Int, into gradient: inout [Double]) -> Double {
        var attraction = [Double](repeating: 0, count: n * m), repulsion = attraction
        var total = 0.0
        p.withUnsafeBufferPointer { pb in
            y.withUnsafeBufferPointer { yb in
                attraction.withUnsafeMutableBufferPointer { ab in
                    repulsion.withUnsafeMutableBufferPointer { rb in
                        let pp = pb.baseAddress!, py = yb.baseAddress!, pa = ab.baseAddress!, pr = rb.baseAddress!
                        for i in 0..<n {
                            for j in (i + 1)..<Swift.max(i + 1, n) {
                                var d2 = 0.0
                                for e in 0..<m { let t = py[i * m + e] - py[j * m + e]; d2 += t * t }
                                let w = 1 / (1 + d2)
                                total += 2 * w
                                let a = pp[i * n + j] * w, r = w * w   // P is symmetric
                                for e in 0..<m {
                                    let t = py[i * m + e] - py[j * m + e]
                                    pa[i * m + e] += a * t; pa[j * m + e] -= a * t
                                    pr[i * m + e] += r * t; pr[j * m + e] -= r * t
                                }
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<(n * m) { gradient[i] = 4 * (attraction[i] - repulsion[i] / total) }
        return total
    }

    /// KL(P‖Q) = Σ_{i≠j} P_ij log(P_ij / Q_ij).
    static func divergence(_ p: [Double], _ y: [Double], count n: Int, dimensions m: Int) -> Double {
        var total = 0.0
        var w = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                var d2 = 0.0
                for e in 0..<m { let t = y[i * m + e] - y[j * m + e]; d2 += t * t }
                w[i * n + j] = 1 / (1 + d2)
                total += w[i * n + j]
            }
        }
        var kl = 0.0
        for i in 0..<n { for j in 0..<n where j != i && p[i * n + j] > 0 {
            kl += p[i * n + j] * Foundation.log(p[i * n + j] * total / w[i * n + j])
        } }
        return kl
    }
}
