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

    /// Inputs for the bit-identity checks: random rows, and rows with the edge cases the kernels branch on or
    /// could round differently: x far in a tail or infinite, logits −∞ in some components or all of them, a +∞
    /// logit (the non-finite branch), extreme log-scales, exact ties between components, signed zeros; with
    /// `nan`, also NaN in x or in one logit.
    static func edgeCase(rows: Int, mixtures m: Int, seed: UInt64, nan: Bool = false) -> [Tensor] {
        var random = RandomSource(seed: seed)
        var x = (0..<rows).map { _ in 3 * random.normalFloat() }
        var logits = (0..<(rows * m)).map { _ in 1.5 * random.normalFloat() }
        var means = (0..<(rows * m)).map { _ in 1.5 * random.normalFloat() }
        var logScales = (0..<(rows * m)).map { _ in -7 + 12 * random.uniformFloat() }
        for r in 0..<rows {
            let row = r * m
            switch (r + Int(seed)) % 12 {
            case 1: x[r] = random.uniformFloat() < 0.5 ? -3e4 : 4e4
            case 2: for j in 0..<m where j % 2 == 0 { logits[row + j] = -.infinity }
            case 3: for j in 0..<m { logits[row + j] = -.infinity }
            case 4: x[r] = random.uniformFloat() < 0.5 ? -.infinity : .infinity
            case 5: logits[row + m / 2] = .infinity
            case 6: for j in 0..<m { logScales[row + j] = j % 2 == 0 ? -60 : 40 }
            case 7: for j in 0..<m { (logits[row + j], means[row + j], logScales[row + j]) = (0.5, x[r], 0) }
            case 8: x[r] = 0; for j in 0..<m { means[row + j] = 0 }
            case 9: if nan { x[r] = .nan }
            case 10: if nan { logits[row + (m - 1) / 2] = .nan }
            case 11: x[r] = -0.0; for j in 0..<m { (logits[row + j], means[row + j]) = (j % 2 == 0 ? 0 : -0.0, -0.0) }
            default: break
            }
        }
        let shape = Shape([rows]), parameters = Shape([rows, m])
        return [Tensor(shape: shape, scalars: x), Tensor(shape: parameters, scalars: logits),
                Tensor(shape: parameters, scalars: means), Tensor(shape: parameters, scalars: logScales)]
    }

    /// The value and (with `gradient`) the four gradients of one kernel; the incoming gradient has zeros of both
    /// signs.
    static func outputs(_ inputs: [Tensor], gradient: Bool) -> [Tensor] {
        let tape = Tape()
        let v = inputs.map { gradient ? tape.variable($0) : tape.constant($0) }
        let out = MixtureDensityKernel.evaluate(v[0], logits: v[1], means: v[2], logScales: v[3])
        guard gradient else { return [out.value] }
        var random = RandomSource(seed: 5)
        let g = (0..<out.shape.elementCount).map { i -> Float in
            i % 5 == 2 ? 0 : i % 7 == 3 ? -0.0 : random.uniformFloat() * 2 - 1
        }
        (out * tape.constant(Tensor(shape: out.shape, scalars: g))).sum().backward()
        return [out.value] + v.map(\.grad)
    }

    /// The kernel's bits on its edge cases are the committed arithmetic's (the chapters' outputs were made with
    /// them): forward and backward, for M = 1 … 16 and R = 1 … 37 (every tail of an eight-row block), with and
    /// without a gradient, on random rows mixed with the edge cases of ``edgeCase(rows:mixtures:seed:nan:)``,
    /// with NaN among the inputs, and for rows of higher rank, hashed together. (It replaces a copy of the
    /// previous kernel that the tests kept to compare with bit for bit; the hash was made with both agreeing.)
    @Test func edgeCasesComputeTheCommittedBits() {
        var all: [Tensor] = []
        for m in 1...16 {
            for rows in 1...37 {
                for gradient in [false, true] {
                    let inputs = Self.edgeCase(rows: rows, mixtures: m, seed: UInt64(100 * m + rows))
                    let out = Self.outputs(inputs, gradient: gradient)
                    if rows >= 12 {     // the edge cases are there: some rows take the non-finite branch
                        #expect(out[0].scalars.contains { !$0.isFinite } && out[0].scalars.contains { $0.isFinite })
                    }
                    all += out
                }
            }
        }
        for m in [1, 3, 8, 11, 16] {
            for rows in [1, 7, 8, 13, 24, 37] {
                all += Self.outputs(Self.edgeCase(rows: rows, mixtures: m, seed: UInt64(7 * m + rows), nan: true), gradient: true)
            }
        }
        let flat = Self.edgeCase(rows: 30, mixtures: 4, seed: 3)
        all += Self.outputs([Tensor(shape: [2, 3, 5], scalars: flat[0].scalars)]
            + flat[1...].map { Tensor(shape: [2, 3, 5, 4], scalars: $0.scalars) }, gradient: true)
        let hash = ArithmeticChecksumTests.hash(all)
        #expect(hash == "9a8acaf5a8cf85dc", "the mixture kernel's bits changed on its edge cases: \(hash)")
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
