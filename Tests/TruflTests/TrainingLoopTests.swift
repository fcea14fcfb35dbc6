import Foundation
import Testing
@testable import Trufl

@Suite struct TrainingLoopTests {
    /// The loop every chapter writes: parameters → forward → loss → backward → Adam step → zero gradients.
    @Test func mlpFitsASineWave() {
        var random = RandomSource(seed: 60)
        let model = MLP([1, 16, 16, 1], activation: .tanh, name: "sine", random: &random)
        let xs = Tensor(shape: [64, 1], scalars: (0..<64).map { Float($0) / 63 * 6 - 3 })
        let ys = xs.map { Foundation.sin($0) }
        let adam = Adam(model.parameters, learningRate: .warmup(steps: 20, then: .exponential(initial: 0.02, decay: 0.999)),
                        maxGradientNorm: 10)
        var losses: [Float] = []
        for _ in 0..<600 {
            let tape = Tape()
            let loss = (model(tape.constant(xs)) - ys).squared().mean()
            loss.backward()
            adam.step()
            model.parameters.zeroGradients()
            losses.append(loss.scalar)
        }
        #expect(losses[0] > 0.1)
        #expect(losses.last! < 5e-3, "final loss \(losses.last!)")
    }

    @Test func madeWithoutContextLeavesTheFirstDimensionUnconditional() {
        var random = RandomSource(seed: 61)
        let made = MADE(dimension: 3, hidden: [8], outputsPerDimension: 2, name: "made", random: &random)
        var inputs = Inputs(62)
        let tape = Tape()
        let a = made(tape.constant(inputs.normal([2, 3]))).value
        let b = made(tape.constant(inputs.normal([2, 3]))).value
        // Output 0 sees no input: identical for any input.
        for r in 0..<2 { for m in 0..<2 { #expect(a[r, 0, m] == b[0, 0, m]) } }
        #expect(a[0, 1, 0] != b[0, 1, 0])
    }
}
