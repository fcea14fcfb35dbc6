import Foundation
import Testing
@testable import Trufl

@Suite struct OptimiserTests {
    /// f(p) = Σ cᵢ (pᵢ − tᵢ)², a convex quadratic with curvatures spread over two orders of magnitude.
    func quadratic(_ p: Parameter, on tape: Tape) -> Var {
        let target = Tensor([1, -2, 3, 0.5])
        let curvature = Tensor([0.1, 1, 5, 10])
        return ((tape[p] - target).squared() * curvature).sum()
    }

    @Test func adamMinimisesAConvexQuadratic() {
        let p = Parameter(name: "p", value: Tensor([5, 5, -5, -5]))
        let adam = Adam([p], learningRate: 0.05)
        let target = Tensor([1, -2, 3, 0.5])
        let start = (p.value - target).squaredNorm.squareRoot()
        for _ in 0..<2000 {
            quadratic(p, on: Tape()).backward()
            adam.step()
            [p].zeroGradients()
        }
        let distance = (p.value - target).squaredNorm.squareRoot()
        #expect(start > 10)
        #expect(distance < 1e-2, "distance to the optimum \(distance)")
    }

    @Test func clippingCapsTheNorm() {
        let a = Parameter(name: "a", value: Tensor([0, 0])), b = Parameter(name: "b", value: Tensor([0]))
        a.grad = Tensor([3, 4])
        b.grad = Tensor([12])
        let before = [a, b].clipGradients(maxNorm: 1)
        #expect(before == 13)
        #expect(Swift.abs([a, b].gradientNorm - 1) < 1e-6)
        #expect(Swift.abs(a.grad.scalars[0] / a.grad.scalars[1] - 0.75) < 1e-6)  // direction kept
        // Inside Adam: the first step moves each coordinate by about the learning rate regardless, so
        // check the reported norm and that clipping happened before the moments were formed.
        a.grad = Tensor([30, 40]); b.grad = Tensor([0])
        let adam = Adam([a, b], learningRate: 0.1, maxGradientNorm: 5)
        #expect(adam.step() == 50)
        #expect(Swift.abs([a, b].gradientNorm - 5) < 1e-4)
        let small = [a, b].clipGradients(maxNorm: 100)
        #expect(Swift.abs(small - 5) < 1e-4 && Swift.abs([a, b].gradientNorm - 5) < 1e-4)
    }

    @Test func weightDecayShrinksWithoutGradient() {
        let p = Parameter(name: "p", value: Tensor([2]))
        let adam = Adam([p], learningRate: 0.1, weightDecay: 0.5)
        adam.step()  // zero gradient: only the decoupled decay acts
        #expect(Swift.abs(p.value.scalar - 2 * (1 - 0.05)) < 1e-6)
    }

    @Test func schedules() {
        let exponential = LearningRateSchedule.exponential(initial: 1, decay: 0.5)
        #expect(exponential.rate(at: 0) == 1 && exponential.rate(at: 3) == 0.125)
        let warm = LearningRateSchedule.warmup(steps: 4, then: 0.2)
        #expect([0, 1, 3, 4, 10].map { warm.rate(at: $0) } == [0.05, 0.1, 0.2, 0.2, 0.2])
        let adam = Adam([Parameter(name: "x", value: Tensor([0]))], learningRate: .warmup(steps: 2, then: .constant(1)))
        #expect(adam.currentRate == 0.5)
        adam.step()
        #expect(adam.currentRate == 1)
    }
}
