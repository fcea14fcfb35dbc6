import Foundation
import Testing
@testable import Trufl

/// The decoder of Eq. 2 at the word-level scale of Table 4 (K = 10,000, D = 12): the fused densities
/// (``LogisticDensities``) against the same computation composed from tape ops, values and every gradient, for TRUFL
/// (hard and soft indicator) and CatNF; and log p(x|z)'s gradient against finite differences, in z and in the
/// parameters of the categories that matter (the tokens' own and some others).
@Suite struct WordScaleDecoderTests {
    static let categories = 10_000, dimensions = 12

    /// TRUFL with windows spread over (0, 1) (m̃ kept off Eq. 5's kink at 0) and a non-trivial flow.
    func trufl(seed: UInt64) -> TRUFLDequantiser {
        let (k, d) = (Self.categories, Self.dimensions)
        var random = RandomSource(seed: seed)
        let q = TRUFLDequantiser(categories: k, dimensions: d)
        q.mTilde.value = Tensor(shape: [k, d], scalars: (0..<(k * d)).map { _ in
            let m = random.uniformFloat() * 3.8 - 1.9
            return abs(m) < 0.05 ? m + 0.1 : m
        })
        q.sTilde.value = Tensor.uniform([k, d], low: -1, high: 2, using: &random)
        setFlow(q.flow!, seed: seed + 1)
        return q
    }

    func catNF(seed: UInt64) -> CatNFDequantiser {
        let q = CatNFDequantiser(categories: Self.categories, dimensions: Self.dimensions, baseScale: CatNFDequantiser.catNFBaseScale)
        setFlow(q.flow!, seed: seed)
        return q
    }

    func setFlow(_ flow: CategoryScaleShift, seed: UInt64) {
        var random = RandomSource(seed: seed)
        flow.shift.value = Tensor.uniform(flow.shift.value.shape, low: -1, high: 1, using: &random)
        flow.logScale.value = Tensor.uniform(flow.logScale.value.shape, low: -0.5, high: 0.5, using: &random)
    }

    /// z drawn from q(z|x) for `x`, so that the tokens' own supports hold their z.
    func draws(_ q: Dequantiser, _ x: [Int], seed: UInt64) -> Tensor {
        var random = RandomSource(seed: seed)
        return q.sample(x, on: Tape(), using: &random).z.value
    }

    @Test func theFusedDensitiesMatchTheComposedOpsAtTenThousandCategories() {
        let x = [0, 1, 17, 4_321, 9_998, 9_999, 5_000, 123, 7, 8_888, 2, 3, 4, 5, 6, 7_777, 42]   // N = 17: not a multiple of 8
        let checks = FusedDecoderTests()
        let t = trufl(seed: 1)
        let z = draws(t, x, seed: 2)
        for indicator in [SupportIndicator.hard, .soft(temperature: 0.02)] {
            checks.compare(t.parameters, z, tolerance: 2e-5, "TRUFL K 10,000 \(indicator)",
                           fused: { t.logDensities($0, indicator: indicator) },
                           composed: { t.logDensitiesComposed($0, indicator: indicator) })
        }
        let c = catNF(seed: 3)
        checks.compare(c.parameters, draws(c, x, seed: 4), tolerance: 2e-5, "CatNF K 10,000",
                       fused: { c.logDensities($0, indicator: .hard) }, composed: { c.logDensitiesComposed($0) })
    }

    /// log p(x|z) (Eq. 2, the soft indicator at τ = 0.1 for TRUFL) summed with fixed weights, its autodiff gradient
    /// against central differences: every entry of z, and every parameter entry of the categories in `watched`.
    func checkDecoder(_ q: Dequantiser, indicator: SupportIndicator, x: [Int], watched: [Int], seed: UInt64) -> GradientCheckResult {
        let z = draws(q, x, seed: seed)
        var random = RandomSource(seed: seed + 1)
        let marginal = EmpiricalMarginal(probabilities: (0..<Self.categories).map { _ in random.uniform() + 0.01 })
        let weights = (0..<x.count).map { _ in Double(random.uniform() * 2 - 1) }
        func loss(_ zz: Tensor) -> Double {
            let out = q.logLikelihood(of: x, given: Tape().constant(zz), marginal: marginal, indicator: indicator)
            return zip(out.value.scalars, weights).reduce(0.0) { $0 + Double($1.0) * $1.1 }
        }
        q.parameters.zeroGradients()
        let tape = Tape()
        let zv = tape.variable(z)
        let out = q.logLikelihood(of: x, given: zv, marginal: marginal, indicator: indicator)
        (out * tape.constant(Tensor(weights.map(Float.init)))).sum().backward()
        let zGrad = zv.grad
        let parameterGrads = q.parameters.map(\.grad)
        q.parameters.zeroGradients()
        var result = GradientCheckResult()
        let step: Float = 1e-3
        func compare(_ label: String, _ ad: Float, _ fd: Double) {
            let err = abs(Double(ad) - fd)
            result.checked += 1
            result.maxAbsoluteError = max(result.maxAbsoluteError, err)
            if !(err <= 2e-3 + 2e-2 * abs(fd)) {
                result.failureCount += 1
                if result.failures.count < 10 { result.failures.append("\(label): autodiff \(ad), finite difference \(fd)") }
            }
        }
        for j in 0..<z.count {
            var up = z, down = z
            up.scalars[j] += step
            down.scalars[j] -= step
            let fd = (loss(up) - loss(down)) / (Double(up.scalars[j]) - Double(down.scalars[j]))
            compare("z element \(j)", zGrad.scalars[j], fd)
        }
        q.parameters.zeroGradients()
        for (p, grad) in zip(q.parameters, parameterGrads) {
            for k in watched {
                for e in 0..<Self.dimensions {
                    let j = k * Self.dimensions + e, x0 = p.value.scalars[j]
                    p.value.scalars[j] = x0 + step
                    let lp = loss(z)
                    p.value.scalars[j] = x0 - step
                    let lm = loss(z)
                    p.value.scalars[j] = x0
                    compare("\(p.name)[\(k), \(e)]", grad.scalars[j], (lp - lm) / (Double(x0 + step) - Double(x0 - step)))
                }
            }
            q.parameters.zeroGradients()
        }
        return result
    }

    @Test func theDecodersGradientMatchesFiniteDifferencesAtTenThousandCategories() {
        let x = [3, 9_999, 5_000], watched = [3, 9_999, 1_234]
        let truflResult = checkDecoder(trufl(seed: 5), indicator: .soft(temperature: 0.1), x: x, watched: watched, seed: 6)
        #expect(truflResult.passed, "TRUFL: \(truflResult)")
        let catNFResult = checkDecoder(catNF(seed: 7), indicator: .hard, x: x, watched: watched, seed: 8)
        #expect(catNFResult.passed, "CatNF: \(catNFResult)")
    }

    /// The binary Argmax flow with the fused densities against the composed default: the same parameters, the same z,
    /// values (−∞ in the same places) and every gradient under one random weighting.
    @Test(arguments: [(5, 37), (300, 64), (10_000, 17)])
    func argmaxsFusedBinaryDecoderMatchesTheComposedOne(k: Int, n: Int) {
        let pair = [ArgmaxDequantiser(categories: k, encoding: .binary),
                    ArgmaxDequantiser(categories: k, encoding: .binary, fusedDensities: true)]
        for q in pair { setFlow(q.flow!, seed: 9) }
        // Draws of the batch's own categories, and a few of codes no category has (2^D > K): −∞ throughout.
        var z = draws(pair[0], (0..<n).map { ($0 * 7_919) % k }, seed: 10)
        let d = pair[0].dimensions
        if (1 << d) > k { for e in 0..<d { z[0, e] = Float(((1 << d) - 1) >> e & 1 == 1 ? 0.7 : -0.7) } }
        var results: [(Tensor, [Tensor])] = []
        for q in pair {
            q.parameters.zeroGradients()
            let tape = Tape()
            let zv = tape.variable(z)
            let out = q.logDensities(zv, indicator: .hard)
            var random = RandomSource(seed: 11)
            let weights = Tensor.uniform(out.shape, low: -1, high: 1, using: &random)
            (select(out .> -Float.infinity, out, 0) * tape.constant(weights)).sum().backward()
            results.append((out.value, [zv.grad] + q.parameters.map(\.grad)))
        }
        let checks = FusedDecoderTests()
        checks.expectClose(results[1].0, results[0].0, 2e-5, "Argmax K \(k) value")
        for (i, (fused, composed)) in zip(results[1].1, results[0].1).enumerated() {
            checks.expectClose(fused, composed, 2e-5, "Argmax K \(k) gradient \(i)")
        }
        #expect(results[1].0.scalars.filter { $0 > -.infinity }.count == n - ((1 << d) > k ? 1 : 0), "one support per draw")
    }

    @Test func argmaxsFusedBinaryDecoderMatchesFiniteDifferences() {
        let q = ArgmaxDequantiser(categories: 6, encoding: .binary, fusedDensities: true)
        setFlow(q.flow!, seed: 12)
        let z = Tensor(rows: [[-1.5, 0.2, 0.9], [0.4, -2.5, -0.3], [3, 1, -1], [-0.2, 0.9, 0.6], [0.5, -0.3, -2]])
        let result = checkGradients([z], parameters: q.parameters, step: 1e-3, relative: 2e-2) { _, v in
            let out = q.logDensities(v[0], indicator: .hard)
            return select(out .> -Float.infinity, out, 0)
        }
        #expect(result.passed, "\(result)")
    }
}
