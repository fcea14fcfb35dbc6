import Foundation
import Testing
@testable import Trufl

/// The fused tape nodes of the decoder (``LogisticDensities``, ``Var/logPosteriorGathered(at:)``) against the
/// same computations composed from tape ops: values, −∞ patterns and every gradient.
@Suite struct FusedDecoderTests {
    /// Values agree within `tolerance` relative to max(1, the largest |value| of `b`); −∞ in exactly the same
    /// places. (A gradient entry is a sum over N terms; where they cancel, both sides keep only the rounding
    /// of the larger terms, so the error is measured against the tensor's scale, not the entry's.)
    func expectClose(_ a: Tensor, _ b: Tensor, _ tolerance: Float, _ what: String) {
        #expect(a.shape == b.shape, "\(what): shapes \(a.shape), \(b.shape)")
        let scale = Swift.max(1, b.scalars.filter(\.isFinite).map(Swift.abs).max() ?? 1)
        var worst: Float = 0
        for (u, v) in zip(a.scalars, b.scalars) {
            if u == -.infinity || v == -.infinity {
                #expect(u == v, "\(what): \(u) against \(v)")
                continue
            }
            #expect(u.isFinite && v.isFinite, "\(what): \(u) against \(v)")
            worst = Swift.max(worst, Swift.abs(u - v) / scale)
        }
        #expect(worst <= tolerance, "\(what): worst relative difference \(worst)")
    }

    /// Points around every window: some inside, some outside, a few exactly on a hard edge's float.
    func points(_ n: Int, _ d: Int, seed: UInt64) -> Tensor {
        var random = RandomSource(seed: seed)
        return Tensor.logistic([n, d], using: &random) * 1.7
    }

    /// A TRUFL dequantiser with m̃ of both signs and exactly 0 (the tie in min(m, 1 − m)).
    func trufl(_ k: Int, _ d: Int, flow: Bool) -> TRUFLDequantiser {
        let q = Dequantisers.trufl(categories: k, dimensions: d, flow: flow)
        var m = q.mTilde.value
        m.scalars[0] = 0
        q.mTilde.value = m
        return q
    }

    /// Values and gradients (z and every parameter) of `fused` against `composed` under the same random
    /// weighting of the finite outputs.
    func compare(_ parameters: [Parameter], _ z: Tensor, tolerance: Float, _ what: String,
                 fused: (Var) -> Var, composed: (Var) -> Var) {
        var results: [(Tensor, [Tensor])] = []
        for useFused in [true, false] {
            parameters.zeroGradients()
            let tape = Tape()
            let zv = tape.variable(z)
            let out = useFused ? fused(zv) : composed(zv)
            var random = RandomSource(seed: 99)
            let weights = Tensor.uniform(out.shape, low: -1, high: 1, using: &random)
            let finite = select(out .> -Float.infinity, out, 0)
            (finite * tape.constant(weights)).sum().backward()
            results.append((out.value, [zv.grad] + parameters.map(\.grad)))
        }
        expectClose(results[0].0, results[1].0, tolerance, "\(what) value")
        for (i, (g, h)) in zip(results[0].1, results[1].1).enumerated() {
            expectClose(g, h, tolerance, "\(what) gradient \(i)")
        }
    }

    @Test(arguments: [(5, 3, 37), (4, 2, 8), (3, 1, 1), (10, 4, 3000)])
    func truflDensitiesMatchTheComposedOps(k: Int, d: Int, n: Int) {
        let z = points(n, d, seed: UInt64(k * 100 + d))
        for flow in [true, false] {
            let q = trufl(k, d, flow: flow)
            for indicator in [SupportIndicator.hard, .soft(temperature: 0.05), .soft(temperature: 0.02)] {
                compare(q.parameters, z, tolerance: 2e-5, "K \(k) D \(d) N \(n) flow \(flow) \(indicator)",
                        fused: { q.logDensities($0, indicator: indicator) },
                        composed: { q.logDensitiesComposed($0, indicator: indicator) })
            }
        }
    }

    @Test func hardMembershipIsTheComposedTestBitForBit() {
        // Points placed on the float nearest each end, just inside and just outside.
        let q = trufl(3, 2, flow: true)
        var rows: [[Float]] = []
        for (k, window) in q.baseSupports().enumerated() {
            for (e, end) in window.enumerated() {
                let scale = Foundation.exp(Foundation.tanh(q.flow!.logScale.value[k, e]))
                for value in [end.lower, end.upper] where value.isFinite {
                    let z = Float((value + Double(q.flow!.shift.value[k, e])) * Double(scale))
                    for v in [z.nextDown, z, z.nextUp] { rows.append(e == 0 ? [v, 0.1] : [0.1, v]) }
                }
            }
        }
        let tape = Tape()
        let z = tape.constant(Tensor(rows: rows))
        let fused = q.logDensities(z, indicator: .hard).value
        let composed = q.logDensitiesComposed(z, indicator: .hard).value
        #expect(fused.scalars.map { $0 == -.infinity } == composed.scalars.map { $0 == -.infinity })
    }

    @Test(arguments: [(5, 3, 37), (10, 4, 3000)])
    func catNFDensitiesMatchTheComposedOps(k: Int, d: Int, n: Int) {
        for baseScale in [1, CatNFDequantiser.catNFBaseScale] {
            let q = Dequantisers.catNF(categories: k, dimensions: d, baseScale: baseScale)
            compare(q.parameters, points(n, d, seed: 7), tolerance: 2e-5, "CatNF K \(k) D \(d) N \(n) base \(baseScale)",
                    fused: { q.logDensities($0, indicator: .hard) }, composed: { q.logDensitiesComposed($0) })
        }
    }

    @Test func catNFWithCatNFsBaseScaleMatchesFiniteDifferences() {
        let q = Dequantisers.catNF(categories: 3, dimensions: 2, baseScale: CatNFDequantiser.catNFBaseScale)
        let z = Tensor(rows: [[-1.5, 0.2], [0.4, -2.5], [3, 1], [-0.2, 0.9], [0.05, -0.3]])
        let result = checkGradients([z], parameters: q.parameters, step: 1e-3, relative: 2e-2) { _, v in
            q.logDensities(v[0], indicator: .hard)
        }
        #expect(result.passed, "\(result)")
    }

    @Test func fusedDensitiesMatchFiniteDifferences() {
        let q = Dequantisers.trufl(categories: 3, dimensions: 2)   // m̃ away from Eq. 5's kink at 0
        let z = Tensor(rows: [[-1.5, 0.2], [0.4, -2.5], [3, 1], [-0.2, 0.9], [0.05, -0.3]])
        let result = checkGradients([z], parameters: q.parameters, step: 1e-3, relative: 2e-2) { _, v in
            q.logDensities(v[0], indicator: .soft(temperature: 0.1))
        }
        #expect(result.passed, "\(result)")
    }

    /// A backward closure that captured a Var would keep its tape alive (tape → closure → Var → tape): every
    /// training step would leak its whole graph. Checked for each dequantiser's sample and decoder.
    @Test func tapesAreFreedAfterTheirBackward() {
        for (name, q) in Dequantisers.all() {
            weak var released: Tape?
            do {
                let tape = Tape()
                released = tape
                let x = [0, 1, 2, 1]
                var random = RandomSource(seed: 3)
                let draw = q.sample(x, on: tape, using: &random)
                let soft = q.logLikelihood(of: x, given: draw.z, marginal: .uniform(3), indicator: .soft(temperature: 0.1))
                let hard = q.logLikelihood(of: x, given: draw.z, marginal: .uniform(3), ownLogDensity: draw.logDensity)
                (draw.logDensity - soft - select(hard .> -Float.infinity, hard, 0)).sum().backward()
                q.parameters.zeroGradients()
            }
            #expect(released == nil, "\(name): the tape outlived its last reference")
        }
    }

    @Test func gatheredPosteriorMatchesTheComposedOps() {
        // Rows with −∞ entries, a row that is −∞ throughout, K not a multiple of eight.
        var random = RandomSource(seed: 5)
        var joint = Tensor.normal([6, 11], scale: 3, using: &random)
        for j in 0..<11 { joint[2, j] = -.infinity }
        joint[0, 3] = -.infinity
        joint[4, 0] = -.infinity
        let x = [3, 1, 2, 0, 10, 5]   // row 0's own entry is −∞: log p = −∞, still a gradient to the others
        var outs: [(Tensor, Tensor)] = []
        for fused in [true, false] {
            let tape = Tape()
            let l = tape.variable(joint)
            let out: Var
            if fused {
                out = l.logPosteriorGathered(at: x)
            } else {
                let evidence = l.logSumExp(axis: -1, keepDims: true)
                let covered = evidence .> -Float.infinity
                out = select(covered, l - select(covered, evidence, 0), -Float.infinity).gather(lastAxis: x)
            }
            let weights = Tensor(shape: [6], scalars: [0.3, -1.2, 0.7, 2, -0.5, 1.1])
            (select(out .> -Float.infinity, out, 0) * tape.constant(weights)).sum().backward()
            outs.append((out.value, l.grad))
        }
        expectClose(outs[0].0, outs[1].0, 1e-6, "log p(x|z)")
        expectClose(outs[0].1, outs[1].1, 1e-6, "gradient")
        #expect(outs[0].0[2] == -.infinity && outs[0].0[0] == -.infinity)
    }
}
