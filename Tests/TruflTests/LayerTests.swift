import Testing
@testable import Trufl

@Suite struct LayerTests {
    @Test func linearAndMLPGradients() {
        var random = RandomSource(seed: 20)
        let mlp = MLP([3, 5, 2], activation: .tanh, name: "mlp", random: &random)
        var inputs = Inputs(21)
        let x = inputs.normal([4, 3])
        let r = checkGradients([x], parameters: mlp.parameters) { _, v in mlp(v[0]) }
        #expect(r.passed, "\(r)")
        #expect(mlp.parameters.map(\.name) == ["mlp.0.weight", "mlp.0.bias", "mlp.1.weight", "mlp.1.bias"])
        let batched = checkGradients([inputs.normal([2, 2, 3])], parameters: mlp.parameters) { _, v in mlp(v[0]) }
        #expect(batched.passed, "leading batch dims: \(batched)")
    }

    @Test func lstmGradients() {
        var random = RandomSource(seed: 23)
        let lstm = LSTM(inputs: 2, hidden: 3, name: "lstm", random: &random)
        var inputs = Inputs(24)
        let sequence = inputs.normal([3, 2, 2])
        let r = checkGradients([sequence], parameters: lstm.parameters) { _, v in
            let (outputs, final) = lstm(v[0])
            return Var.concat([outputs.reshaped([-1]), final.cell.reshaped([-1])], axis: 0)
        }
        #expect(r.passed, "\(r)")
        #expect(r.checked == 12 + lstm.parameters.scalarCount)
    }

    @Test func lstmStepMatchesSequence() {
        var random = RandomSource(seed: 25)
        let lstm = LSTM(inputs: 2, hidden: 3, name: "lstm", random: &random)
        var inputs = Inputs(26)
        let sequence = inputs.normal([4, 2, 2])
        let tape = Tape()
        let (outputs, _) = lstm(tape.constant(sequence))
        var state = lstm.zeroState(batch: 2, on: tape)
        for t in 0..<4 { state = lstm.step(tape.constant(sequence.slice(axis: 0, t..<(t + 1)).reshaped([2, 2])), state) }
        let last = outputs.value.slice(axis: 0, 3..<4).reshaped([2, 3])
        #expect(zip(last.scalars, state.hidden.value.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
    }

    @Test func madeIsAutoregressive() {
        var random = RandomSource(seed: 27)
        let d = 5
        let made = MADE(dimension: d, hidden: [16, 16], outputsPerDimension: 3, contextSize: 2, activation: .tanh,
                        name: "made", random: &random)  // tanh: no dead units hiding a real dependence
        var inputs = Inputs(28)
        let x = inputs.normal([4, d]), context = inputs.normal([4, 2])
        for out in 0..<d {
            let tape = Tape()
            let xv = tape.variable(x)
            let cv = tape.variable(context)
            let y = made(xv, context: tape.constant(context) + cv)
            var seed = Tensor.zeros(y.shape)
            for b in 0..<4 { for m in 0..<3 { seed[b, out, m] = 1 } }
            tape.backward(from: y, seed: seed)
            let g = xv.grad
            for i in 0..<d {
                let column = (0..<4).map { g[$0, i] }
                if i >= out {
                    #expect(column.allSatisfy { $0 == 0 }, "output \(out) must not depend on input \(i)")
                } else {
                    #expect(column.contains { $0 != 0 }, "output \(out) should depend on input \(i)")
                }
            }
            #expect(cv.grad.scalars.contains { $0 != 0 }, "every output sees the context")
        }
        made.parameters.zeroGradients()
    }

    @Test func madeGradients() {
        var random = RandomSource(seed: 29)
        let made = MADE(dimension: 3, hidden: [6], outputsPerDimension: 2, contextSize: 2, activation: .tanh,
                        name: "made", random: &random)
        var inputs = Inputs(30)
        let r = checkGradients([inputs.normal([2, 3]), inputs.normal([2, 2])], parameters: made.parameters) { _, v in
            made(v[0], context: v[1])
        }
        #expect(r.passed, "\(r)")
        let single = MADE(dimension: 1, hidden: [4], name: "one", random: &random)
        let tape = Tape()
        #expect(single(tape.constant(Tensor(shape: [2, 1], scalars: [1, 2]))).shape == [2, 1, 1])
    }
}
