import Foundation
import Testing
@testable import Trufl

/// The dequantisers' new operations and compositions against central finite differences.
@Suite struct DequantiserGradientTests {
    /// −∞ entries replaced by 0, so the checker's weighted sum stays finite (they must get zero gradient).
    func finite(_ v: Var) -> Var { select(v .> -Float.infinity, v, 0) }

    @Test func truncatedSampleOpMatchesFiniteDifferences() {
        // Ordinary windows, a window against u = 0 and one near u = 1 (m̃ away from the kink at 0).
        let m = Tensor(rows: [[-1.3, 0.8], [-7, 5.5], [2.2, -0.4]])
        let s = Tensor(rows: [[0.3, -1.2], [1.5, 0.2], [-2, 3]])
        var random = RandomSource(seed: 21)
        let noise = Tensor.uniform([3, 2], low: 0.05, high: 0.95, using: &random)
        let result = checkGradients([m, s], step: 1e-3, relative: 2e-2) { _, v in
            let draw = TruncatedLogisticSampler.sample(mTilde: v[0], sTilde: v[1], categories: nil, noise: noise)
            return Var.concat([draw.z.reshaped([-1]), draw.logDensity], axis: 0)
        }
        #expect(result.passed, "\(result)")
    }

    @Test func sampleAndLogDensityOfEveryDequantiser() {
        var random = RandomSource(seed: 22)
        for (name, q) in Dequantisers.all() {
            let x = [0, 1, 2, 1, 0, 2]
            let noise = Tensor.uniform([x.count, q.dimensions], low: 0.05, high: 0.95, using: &random)
            let result = checkGradients([], parameters: q.parameters, step: 1e-3, relative: 2e-2) { tape, _ in
                let draw = q.sample(x, noise: noise, on: tape)
                return Var.concat([draw.z.reshaped([-1]), draw.logDensity], axis: 0)
            }
            #expect(result.passed, "\(name): \(result)")
        }
    }

    /// log q(z|k) for all k and the decoder's log p(x|z) at fixed z, with respect to z and the parameters.
    /// The points are the dequantisers' own samples, held fixed, at least 0.05 from any support's edge.
    @Test func decoderCompositionsAtFixedZ() {
        var random = RandomSource(seed: 23)
        for (name, q) in Dequantisers.all() {
            let candidates = (0..<60).map { $0 % 3 }
            let drawn = q.sample(candidates, on: Tape(), using: &random).z.value
            let rows = Array(rowsAwayFromEdges(q, drawn, margin: 0.05).prefix(6))
            #expect(rows.count == 6, "\(name): too few samples away from the edges")
            let x = rows.map { candidates[$0] }
            let z = drawn.gather(rows: rows)
            let marginal = EmpiricalMarginal(probabilities: [0.5, 0.3, 0.2])
            // Step 3e-3: outputs reach |13| here, and single-precision rounding of a few ulps over 18 of them
            // puts ~1e-3 of noise into a difference quotient with h = 1e-3 (measured on Argmax threshold's
            // flow shift: 2.1e-3 off at h = 1e-3, 6.8e-3 at 3e-4, 4e-4 at 3e-3, 9e-4 at 1e-2).
            let result = checkGradients([z], parameters: q.parameters, step: 3e-3, relative: 2e-2) { _, v in
                let logQ = self.finite(q.logDensities(v[0], indicator: .hard))
                let logLikelihood = self.finite(q.logLikelihood(of: x, given: v[0], marginal: marginal))
                return Var.concat([logQ.reshaped([-1]), logLikelihood], axis: 0)
            }
            #expect(result.passed, "\(name): \(result)")
        }
    }

    @Test func softIndicatorComposition() {
        let q = Dequantisers.trufl(categories: 3, dimensions: 2)
        let z = Tensor(rows: [[-1.5, 0.2], [0.4, -2.5], [3, 1], [-0.2, 0.9]])
        let result = checkGradients([z], parameters: q.parameters, step: 1e-3, relative: 2e-2) { _, v in
            q.logPosterior(v[0], marginal: .uniform(3), indicator: .soft(temperature: 0.1))
        }
        #expect(result.passed, "\(result)")
    }

    /// The soft indicator tends to the hard one as τ → 0: inside, log σ(margin/τ) → 0; outside, → −∞.
    @Test func softIndicatorTendsToTheHardOne() {
        let q = Dequantisers.trufl(categories: 3, dimensions: 1, disjoint: true, flow: false)
        let ends = q.baseSupports()
        let inside = Float((ends[1][0].lower + ends[1][0].upper) / 2), outside = Float(ends[2][0].upper + 1)
        let z = Tape().constant(Tensor(shape: [2, 1], scalars: [inside, outside]))
        let hard = q.logDensities(z, indicator: .hard).value
        let soft = q.logDensities(z, indicator: .soft(temperature: 1e-6)).value
        #expect(abs(soft[0, 1] - hard[0, 1]) < 1e-4)
        #expect(hard[1, 2] == -.infinity && soft[1, 2] < -100)
    }
}
