import Foundation
import Testing
@testable import Trufl

/// The fused mixture-of-logistics density against the composed tape ops, and against finite differences.
@Suite struct MixtureDensityKernelTests {
    struct Case {
        let x, logits, means, logScales: Tensor
        init(rows: Int, dims: Int, mixtures m: Int, seed: UInt64) {
            var random = RandomSource(seed: seed)
            x = Tensor.normal([rows, dims], scale: 2, using: &random)
            logits = Tensor.normal([rows, dims, m], scale: 1.5, using: &random)
            means = Tensor.normal([rows, dims, m], scale: 1.5, using: &random)
            logScales = Tensor.uniform([rows, dims, m], low: -3, high: 1.5, using: &random)
        }
        var inputs: [Tensor] { [x, logits, means, logScales] }
    }

    func run(_ c: Case, fused: Bool) -> (value: Tensor, gradients: [Tensor]) {
        let tape = Tape()
        let v = c.inputs.map { tape.variable($0) }
        let out = fused ? MixtureOfLogistics.logDensity(v[0], logits: v[1], means: v[2], logScales: v[3])
            : MixtureOfLogistics.logDensityComposed(v[0], logits: v[1], means: v[2], logScales: v[3])
        var random = RandomSource(seed: 17)
        (out * tape.constant(Tensor.uniform(out.shape, low: -1, high: 1, using: &random))).sum().backward()
        return (out.value, v.map(\.grad))
    }

    /// Within `tolerance` of the composed ops, relative to max(1, the tensor's largest magnitude).
    @Test(arguments: [3, 8, 11])
    func matchesTheComposedOps(mixtures: Int) {
        let c = Case(rows: 37, dims: 3, mixtures: mixtures, seed: UInt64(mixtures))
        let fused = run(c, fused: true), composed = run(c, fused: false)
        for (name, a, b) in [("value", fused.value, composed.value)]
            + zip(fused.gradients, composed.gradients).enumerated().map({ ("gradient \($0)", $1.0, $1.1) }) {
            #expect(a.shape == b.shape, "\(name)")
            let scale = Swift.max(1, b.scalars.map(Swift.abs).max() ?? 1)
            let worst = zip(a.scalars, b.scalars).map { Swift.abs($0 - $1) / scale }.max() ?? 0
            #expect(worst <= 2e-6, "M = \(mixtures), \(name): worst difference \(worst)")
        }
    }

    @Test func matchesFiniteDifferences() {
        let c = Case(rows: 3, dims: 2, mixtures: 5, seed: 4)
        let result = checkGradients(c.inputs, step: 1e-3, relative: 1e-2) { _, v in
            MixtureOfLogistics.logDensity(v[0], logits: v[1], means: v[2], logScales: v[3])
        }
        #expect(result.passed, "\(result)")
    }

    /// Far in a tail (|y| up to ~10⁴) the density stays finite and the gradient points back.
    @Test func farTailsStayFinite() {
        let tape = Tape()
        let x = tape.variable(Tensor([-3000, 0.5, 4000]))
        let logits = tape.constant(Tensor(shape: [3, 2], scalars: [0, 1, 0, 1, 0, 1]))
        let means = tape.constant(Tensor(shape: [3, 2], scalars: [0, 1, 0, 1, 0, 1]))
        let logScales = tape.constant(Tensor(shape: [3, 2], scalars: [-1, -1, -1, -1, -1, -1]))
        let out = MixtureOfLogistics.logDensity(x, logits: logits, means: means, logScales: logScales)
        out.sum().backward()
        #expect(out.value.scalars.allSatisfy { $0.isFinite })
        #expect(x.grad[0] > 0 && x.grad[2] < 0)
    }
}
