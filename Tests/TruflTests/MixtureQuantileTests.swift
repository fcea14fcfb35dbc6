import Foundation
import Testing
@testable import Trufl

/// The bisection that inverts a mixture-of-logistics CDF (every flow prior's sampling runs it for every latent)
/// against the straightforward one it replaced: 100 halvings, each evaluating ``MixtureOfLogistics/cdf`` from the
/// arrays. The faster path must give the same bits, so that every chapter's samples stay what they were.
@Suite struct MixtureQuantileTests {
    /// The straightforward bisection, as the engine had it.
    static func reference(_ target: Double, logits: [Float], means: [Float], logScales: [Float]) -> Double {
        let spread = 60 * Double.exp(Double(logScales.max() ?? 0))
        var low = Double(means.min() ?? 0) - spread, high = Double(means.max() ?? 0) + spread
        for _ in 0..<100 {
            let middle = 0.5 * (low + high)
            if MixtureOfLogistics.cdf(middle, logits: logits, means: means, logScales: logScales) < target {
                low = middle
            } else {
                high = middle
            }
        }
        return 0.5 * (low + high)
    }

    /// Random mixtures over the log-scales the priors allow (``MixtureOfLogistics/logScaleRange``), targets from the
    /// middle to 10⁻¹² of either end: the same bits as the reference, and the CDF there close to the target.
    @Test(arguments: [1, 2, 8, 16])
    func sameBitsAsTheStraightforwardBisection(mixtures: Int) {
        var random = RandomSource(seed: UInt64(100 + mixtures))
        let (low, high) = MixtureOfLogistics.logScaleRange
        var differing = 0
        for trial in 0..<2_000 {
            let logits = (0..<mixtures).map { _ in Float(3 * random.normal()) }
            let means = (0..<mixtures).map { _ in Float(5 * random.normal()) }
            let logScales = (0..<mixtures).map { _ in low + (high - low) * random.uniformFloat() }
            let targets: [Double] = [random.uniform(), 0.5, 1e-12, 1 - 1e-12, 1e-300]
            let target = targets[trial % targets.count]
            let fast = MixtureOfLogistics.quantile(target, logits: logits, means: means, logScales: logScales)
            let slow = Self.reference(target, logits: logits, means: means, logScales: logScales)
            if fast.bitPattern != slow.bitPattern {
                differing += 1
                Issue.record("M = \(mixtures), trial \(trial), target \(target): \(fast) against \(slow)")
            }
            if target > 1e-13, target < 1 - 1e-11 {
                let reached = MixtureOfLogistics.cdf(fast, logits: logits, means: means, logScales: logScales)
                #expect(abs(reached - target) <= 1e-9, "M = \(mixtures), trial \(trial): F(x) = \(reached) for \(target)")
            }
        }
        #expect(differing == 0)
    }

    /// The coupling's inverse (``MixtureCDFTransform/inverse(_:)``, which now reads the parameters in place) against
    /// the reference applied element by element to arrays cut from the same parameters: the same latents, bit for bit.
    @Test func transformInverseHasTheSameBits() {
        var random = RandomSource(seed: 7)
        let rows = 53, n = 3, m = 8
        let tape = Tape()
        let output = tape.constant(Tensor.normal([rows, n * MixtureCDFTransform.width(mixtures: m)], scale: 2,
                                                 using: &random))
        let transform = MixtureCDFTransform(output, rows: rows, transformed: n, mixtures: m)
        let u = Tensor.normal([rows, n], scale: 3, using: &random)
        let z = transform.inverse(u)
        let logits = transform.logits.value.scalars, means = transform.means.value.scalars
        let logScales = transform.logScales.value.scalars
        let shifts = transform.shift.value.scalars, scales = transform.scale.value.scalars
        for e in 0..<u.count {
            let t = Double(u.scalars[e] - shifts[e]) * Double.exp(-Double(scales[e]))
            let range = (e * m)..<(e * m + m)
            let expected = Float(Self.reference(Logistic.sigmoid(t), logits: Array(logits[range]),
                                                means: Array(means[range]), logScales: Array(logScales[range])))
            #expect(z.scalars[e].bitPattern == expected.bitPattern, "element \(e): \(z.scalars[e]) against \(expected)")
        }
        // And it inverts the forward transform.
        let (back, _) = transform.forward(tape.constant(z))
        let worst = zip(back.value.scalars, u.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst < 1e-3, "forward(inverse(u)) is off by \(worst)")
    }
}
