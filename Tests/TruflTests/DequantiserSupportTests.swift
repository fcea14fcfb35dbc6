import Foundation
import Testing
@testable import Trufl

/// Samples lie in their own support, the decoder of Eq. 2 is a distribution, argmax decodes its own samples,
/// and a z outside every support gives −∞ with no NaN and zero gradients.
@Suite struct DequantiserSupportTests {
    @Test func samplesLieInTheirOwnSupport() {
        var random = RandomSource(seed: 11)
        for (name, q) in Dequantisers.all() {
            let x = (0..<600).map { $0 % q.categories }
            let tape = Tape()
            let draw = q.sample(x, on: tape, using: &random)
            let all = q.logDensities(draw.z, indicator: .hard).value
            for (n, c) in x.enumerated() {
                let recomputed = all[n, c], forward = draw.logDensity.value.scalars[n]
                #expect(recomputed.isFinite && forward.isFinite, "\(name): sample \(n) of category \(c)")
                #expect(abs(recomputed - forward) < 2e-3 * max(1, abs(forward)), "\(name): \(recomputed) vs \(forward)")
            }
        }
    }

    @Test func truflSamplesAtTheEdgesOfTheUnitInterval() {
        // m ≈ 6e−6 against u = 0, m ≈ 1 − 1e−5 against u = 1, a window of width 1e−7, and s ≈ 2·min(m, 1 − m).
        let q = TRUFLDequantiser(categories: 4, dimensions: 1, flow: false)
        q.mTilde.value = Tensor(shape: [4, 1], scalars: [-12, 11.5, 0.3, -3])
        q.sTilde.value = Tensor(shape: [4, 1], scalars: [2, 1, -16, 14])
        let ends = q.baseSupports()
        var random = RandomSource(seed: 12)
        let x = (0..<8000).map { $0 % 4 }
        let draw = q.sample(x, on: Tape(), using: &random)
        for (n, c) in x.enumerated() {
            let z = Double(draw.z.value.scalars[n])
            #expect(z >= ends[c][0].lower && z <= ends[c][0].upper && draw.logDensity.value.scalars[n].isFinite,
                    "category \(c): z = \(z) outside \(ends[c][0])")
        }
    }

    @Test func posteriorsSumToOne() {
        var random = RandomSource(seed: 13)
        for (name, q) in Dequantisers.all() {
            let marginal = EmpiricalMarginal(probabilities: (0..<q.categories).map { Double($0 + 1) })
            let x = (0..<300).map { ($0 * 7) % q.categories }
            let tape = Tape()
            let draw = q.sample(x, on: tape, using: &random)
            let post = q.logPosterior(draw.z, marginal: marginal).value
            for n in 0..<x.count {
                let total = (0..<q.categories).reduce(0.0) { $0 + Foundation.exp(Double(post[n, $1])) }
                #expect(abs(total - 1) < 1e-5, "\(name): row \(n) sums to \(total)")
            }
        }
    }

    @Test func disjointSupportsAndArgmaxDecodeTheirOwnSamplesExactly() {
        var random = RandomSource(seed: 14)
        let kinds: [(String, any Dequantiser)] = [
            ("TRUFL disjoint", Dequantisers.trufl(categories: 3, dimensions: 2, disjoint: true)),
            ("threshold", Dequantisers.argmax(categories: 5, .threshold)),
            ("binary", Dequantisers.argmax(categories: 5, .binary)),
        ]
        for (name, q) in kinds {
            let marginal = EmpiricalMarginal.uniform(q.categories)
            let x = (0..<1000).map { ($0 * 3) % q.categories }
            let tape = Tape()
            let draw = q.sample(x, on: tape, using: &random)
            #expect(q.decode(draw.z.value, marginal: marginal) == x, "\(name)")
            let logLikelihood = q.logLikelihood(of: x, given: draw.z, marginal: marginal, ownLogDensity: draw.logDensity)
            #expect(logLikelihood.value.scalars.allSatisfy { $0 == 0 }, "\(name): log p(x|z) is not exactly 0")
        }
    }

    @Test func argmaxCodesAndRegions() {
        let threshold = Dequantisers.argmax(categories: 4, .threshold)
        let binary = Dequantisers.argmax(categories: 5, .binary)
        #expect(threshold.dimensions == 4 && binary.dimensions == 3)
        var random = RandomSource(seed: 15)
        let x = (0..<500).map { $0 % 5 }
        let z = binary.sample(x, on: Tape(), using: &random).z.value
        for (n, c) in x.enumerated() {
            for d in 0..<3 { #expect((z[n, d] > 0) == binary.codeBit(c, d)) }
        }
        let zt = threshold.sample(x.map { $0 % 4 }, on: Tape(), using: &random).z.value
        #expect(zt.argmaxLastAxis() == x.map { $0 % 4 })
    }

    /// A z in no support (an unused binary orthant, a point between TRUFL's windows, a far tail): every
    /// log q(z|k) and log p(k|z) is −∞, nothing is NaN, and the backward pass gives exact zeros.
    @Test func outOfSupportIsMinusInfinityWithZeroGradients() {
        let marginal = EmpiricalMarginal.uniform(3)
        let cases: [(String, any Dequantiser, Tensor)] = [
            ("TRUFL between windows", Dequantisers.trufl(categories: 3, dimensions: 2, disjoint: true, flow: false),
             Tensor(rows: [[-1e30, 0], [40, 0.1], [0, 25]])),
            ("binary unused orthant", Dequantisers.argmax(categories: 3, .binary), Tensor(rows: [[2, 3], [0.5, 0.01], [7e3, 1e-20]])),
            ("threshold tie", Dequantisers.argmax(categories: 3, .threshold), Tensor(rows: [[1, 1, 0], [2, 2, 2], [0, 0, 0]])),
        ]
        for (name, q, z) in cases {
            q.parameters.zeroGradients()
            let tape = Tape()
            let zv = tape.variable(z)
            let logQ = q.logDensities(zv, indicator: .hard)
            let post = q.logPosterior(zv, marginal: marginal)
            #expect(logQ.value.scalars.allSatisfy { $0 == -.infinity }, "\(name): \(logQ.value)")
            #expect(post.value.scalars.allSatisfy { $0 == -.infinity }, "\(name): \(post.value)")
            let loss = select(post .> -Float.infinity, post, 0).sum() + select(logQ .> -Float.infinity, logQ, 0).sum()
                + post.exp().sum()
            loss.backward()
            #expect(zv.grad.scalars.allSatisfy { $0 == 0 }, "\(name): ∂/∂z = \(zv.grad)")
            for p in q.parameters { #expect(p.grad.scalars.allSatisfy { $0 == 0 }, "\(name): \(p.name) \(p.grad)") }
        }
    }

    /// The partly covered case: z inside one category only. That category's posterior is 1, the others −∞,
    /// and gradients are finite.
    @Test func partlyCoveredRowsHaveFiniteGradients() {
        let q = Dequantisers.trufl(categories: 3, dimensions: 1, disjoint: true, flow: false)
        let centres = q.baseSupports().map { Float(($0[0].lower + $0[0].upper) / 2) }
        let tape = Tape()
        let z = tape.variable(Tensor(shape: [3, 1], scalars: centres))
        let post = q.logPosterior(z, marginal: .uniform(3))
        for n in 0..<3 { for k in 0..<3 { #expect(post.value[n, k] == (n == k ? 0 : -.infinity)) } }
        (post.exp().sum() + q.logDensities(z, indicator: .soft(temperature: 0.05)).sum()).backward()
        #expect(z.grad.scalars.allSatisfy { $0.isFinite })
        for p in q.parameters { #expect(p.grad.scalars.allSatisfy { $0.isFinite }, "\(p.name)") }
    }
}
