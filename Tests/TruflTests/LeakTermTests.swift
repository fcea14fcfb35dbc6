import Foundation
import Testing
@testable import Trufl

/// The leak term's gradient against a finite difference of −log Z, Z by quadrature over a box (Eq. 9).
@Suite struct LeakTermTests {
    @Test func theGradientIsThatOfMinusLogZ() {
        var random = RandomSource(seed: 31)
        let prior = AutoregressivePrior(dimension: 2, mixtures: 3, hidden: [16], activation: .tanh, random: &random)
        perturb(prior.parameters, scale: 0.3, seed: 32)
        let (x, y): (ClosedRange<Double>, ClosedRange<Double>) = (-1.0...0.6, -0.7...1.3)
        func minusLogZ() -> Double {
            -Foundation.log(GridIntegral.integrate(prior, x: x, y: y, panels: 40))
        }
        let tape = Tape()
        var draws = RandomSource(seed: 33)
        let term = LeakTerm.negativeLogZ(prior: prior, samples: 400_000, inside: { v in
            x.contains(Double(v[v.startIndex])) && y.contains(Double(v[v.startIndex + 1]))
        }, on: tape, using: &draws)!
        term.backward()
        // The output layer's bias moves the mixtures' means and weights: the parameters with the largest effect.
        let parameter = prior.parameters.last!
        var compared = 0
        for index in 0..<parameter.value.scalars.count {
            let estimate = Double(parameter.grad.scalars[index])
            let h: Float = 1e-2
            let original = parameter.value.scalars[index]
            parameter.value.scalars[index] = original + h
            let up = minusLogZ()
            parameter.value.scalars[index] = original - h
            let down = minusLogZ()
            parameter.value.scalars[index] = original
            let difference = (up - down) / Double(2 * h)
            guard abs(difference) > 0.02 else { continue }     // too small to judge against the sampling noise
            compared += 1
            #expect(estimate * difference > 0, "element \(index): the term's gradient \(estimate) has the sign of +∇ log Z (\(difference) is ∇(−log Z))")
            #expect(abs(estimate - difference) <= 0.1 * abs(difference) + 0.005,
                    "element \(index): term gradient \(estimate), finite difference of −log Z \(difference)")
        }
        #expect(compared >= 3, "only \(compared) elements had a measurable effect on Z")
    }
}
