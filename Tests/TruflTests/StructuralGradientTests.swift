import Testing
@testable import Trufl

@Suite struct StructuralGradientTests {
    @Test func reductions() {
        var inputs = Inputs(10)
        let x = inputs.normal([2, 3, 4])
        let distinct = inputs.distinct([2, 3, 4])
        var cases: [(String, Tensor, (Var) -> Var)] = [
            ("sum()", x, { $0.sum() }), ("mean()", x, { $0.mean() }),
        ]
        for axis in [0, 1, 2, -1] {
            cases.append(("sum \(axis)", x, { $0.sum(axis: axis) }))
            cases.append(("sum keep \(axis)", x, { $0.sum(axis: axis, keepDims: true) }))
            cases.append(("mean \(axis)", x, { $0.mean(axis: axis) }))
            cases.append(("logSumExp \(axis)", x, { $0.logSumExp(axis: axis) }))
            cases.append(("logSumExp keep \(axis)", x, { $0.logSumExp(axis: axis, keepDims: true) }))
            cases.append(("max \(axis)", distinct, { $0.max(axis: axis) }))
        }
        cases.append(("logSoftmax", x, { $0.logSoftmax(axis: -1) }))
        for (name, t, f) in cases {
            let r = checkGradients([t]) { _, v in f(v[0]) }
            #expect(r.passed, "\(name): \(r)")
        }
    }

    @Test func reductionValues() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(x.sum(axis: 1).scalars == [6, 15])
        #expect(x.sum(axis: 1, keepDims: true).shape == [2, 1])
        #expect(x.max(axis: 0).scalars == [4, 5, 6])
        #expect(x.sum().scalar == 21)
        let lse = x.logSumExp(axis: 1).scalars
        #expect(Swift.abs(lse[0] - Float(Foundation.log(exp(1.0) + exp(2.0) + exp(3.0)))) < 1e-5)
    }

    @Test func logSumExpWithNegativeInfinity() {
        let tape = Tape()
        let x = tape.variable(Tensor(rows: [[-.infinity, -.infinity, -.infinity], [0, -.infinity, 0]]))
        let y = x.logSumExp(axis: 1)
        #expect(y.value.scalars[0] == -.infinity)
        #expect(Swift.abs(y.value.scalars[1] - Float(Foundation.log(2.0))) < 1e-6)
        // Weight the all-(−∞) row by 0: the loss stays finite and the gradient must be 0, not NaN.
        (y * Tensor([0, 1])).sum().backward()
        #expect(x.grad.scalars == [0, 0, 0, 0.5, 0, 0.5])
        // Even with a non-zero incoming gradient, the all-(−∞) row gets a zero gradient.
        let tape2 = Tape()
        let x2 = tape2.variable(Tensor(rows: [[-.infinity, -.infinity]]))
        x2.logSumExp(axis: 1).backward()
        #expect(x2.grad.scalars == [0, 0])
    }

    @Test(arguments: [false, true])
    func matmul(_ transposeA: Bool) {
        var inputs = Inputs(11)
        for transposeB in [false, true] {
            let a = inputs.normal(transposeA ? [4, 3] : [3, 4]), b = inputs.normal(transposeB ? [5, 4] : [4, 5])
            let r = checkGradients([a, b]) { _, v in v[0].matmul(v[1], transposeA: transposeA, transposeB: transposeB) }
            #expect(r.passed, "2-D tA \(transposeA) tB \(transposeB): \(r)")
            let ba = inputs.normal(transposeA ? [2, 4, 3] : [2, 3, 4]), bb = inputs.normal(transposeB ? [2, 5, 4] : [2, 4, 5])
            let rb = checkGradients([ba, bb]) { _, v in v[0].matmul(v[1], transposeA: transposeA, transposeB: transposeB) }
            #expect(rb.passed, "batched tA \(transposeA) tB \(transposeB): \(rb)")
            let rs = checkGradients([ba, b]) { _, v in v[0].matmul(v[1], transposeA: transposeA, transposeB: transposeB) }
            #expect(rs.passed, "shared right tA \(transposeA) tB \(transposeB): \(rs)")
        }
    }

    @Test func matmulValues() {
        var inputs = Inputs(12)
        let a = inputs.normal([3, 4]), b = inputs.normal([4, 2])
        let c = a.matmul(b)
        for i in 0..<3 {
            for j in 0..<2 {
                let expected = (0..<4).reduce(Float(0)) { $0 + a[i, $1] * b[$1, j] }
                #expect(Swift.abs(c[i, j] - expected) < 1e-5)
            }
        }
        #expect(a.transposed().matmul(b, transposeA: true).shape == [3, 2])
        let batched = Tensor.concat([a.reshaped([1, 3, 4]), (a * 2).reshaped([1, 3, 4])], axis: 0).matmul(b)
        #expect(batched.slice(axis: 0, 1..<2).scalars == (c * 2).scalars)
    }

    @Test func shapeOperations() {
        var inputs = Inputs(13)
        let x = inputs.normal([2, 3, 4]), y = inputs.normal([2, 2, 4]), row = inputs.normal([1, 4])
        let cases: [(String, [Tensor], ([Var]) -> Var)] = [
            ("reshaped", [x], { $0[0].reshaped([6, -1]).exp() }),
            ("permuted", [x], { $0[0].permuted([2, 0, 1]) }),
            ("transposed", [x], { $0[0].transposed() }),
            ("slice", [x], { $0[0].slice(axis: 1, 1..<3) }),
            ("slice last", [x], { $0[0].slice(axis: -1, 0..<1) }),
            ("concat", [x, y], { Var.concat([$0[0], $0[1], $0[0]], axis: 1) }),
            ("broadcast", [row], { $0[0].broadcast(to: [3, 4]) }),
        ]
        for (name, ts, f) in cases {
            let r = checkGradients(ts) { _, v in f(v) }
            #expect(r.passed, "\(name): \(r)")
        }
        #expect(x.permuted([2, 0, 1]).permuted([1, 2, 0]) == x)
        #expect(x.permuted([1, 0, 2])[2, 1, 3] == x[1, 2, 3])
    }

    @Test func indexing() {
        var inputs = Inputs(14)
        let table = inputs.normal([5, 3])
        let rows = [4, 0, 4, 2]
        let r1 = checkGradients([table]) { _, v in v[0].gather(rows: rows) }
        #expect(r1.passed, "gather rows: \(r1)")
        let messages = inputs.normal([4, 3])
        let r2 = checkGradients([messages]) { _, v in v[0].scatterAdd(rows: [1, 1, 0, 2], count: 3) }
        #expect(r2.passed, "scatterAdd: \(r2)")
        let logits = inputs.normal([2, 3, 4])
        let picks = [0, 3, 1, 1, 2, 3]
        let r3 = checkGradients([logits]) { _, v in v[0].gather(lastAxis: picks) }
        #expect(r3.passed, "gather lastAxis: \(r3)")
        #expect(messages.scatterAdd(rows: [1, 1, 0, 2], count: 3).slice(axis: 0, 1..<2).scalars
            == (messages.slice(axis: 0, 0..<1) + messages.slice(axis: 0, 1..<2)).scalars)
        #expect(table.gather(rows: [2]).scalars == table.slice(axis: 0, 2..<3).scalars)
    }

    @Test func customOpAndTheCheckerHasTeeth() {
        var inputs = Inputs(15)
        let x = inputs.uniform([6], 0.5, 2)
        func cube(_ t: Tape, _ v: Var, gradientFactor: Float) -> Var {
            let value = v.value
            return t.custom(inputs: [v], value: value * value * value) { g in [g * value * value * (3 * gradientFactor)] }
        }
        let good = checkGradients([x]) { t, v in cube(t, v[0], gradientFactor: 1) }
        #expect(good.passed, "\(good)")
        let wrong = checkGradients([x]) { t, v in cube(t, v[0], gradientFactor: 1.03) }
        #expect(!wrong.passed, "a 3 % error in a gradient must fail the check")
    }

    /// A custom node with two outputs (y₁ = x³, y₂ = Σ x²), checked through each output alone and through
    /// both: its backward runs once per pass, with nil for an output that received no gradient.
    @Test func customOpWithTwoOutputs() {
        final class Calls { var received: [[Bool]] = [] }
        var inputs = Inputs(16)
        let x = inputs.uniform([5], 0.5, 2)
        func cubeAndSquares(_ t: Tape, _ v: Var, _ calls: Calls) -> (cube: Var, squares: Var) {
            let value = v.value
            let nodes = t.custom(inputs: [v], values: [value * value * value, (value * value).sum()]) { g in
                calls.received.append(g.map { $0 != nil })
                let fromCube = g[0].map { $0 * value * value * 3 } ?? Tensor.zeros(value.shape)
                let fromSquares = g[1].map { 2 * $0.scalar * value } ?? Tensor.zeros(value.shape)
                return [fromCube + fromSquares]
            }
            return (nodes[0], nodes[1])
        }
        let both = checkGradients([x]) { t, v in
            let y = cubeAndSquares(t, v[0], Calls())
            return y.cube * y.squares
        }
        #expect(both.passed, "both outputs: \(both)")
        let first = checkGradients([x]) { t, v in cubeAndSquares(t, v[0], Calls()).cube }
        #expect(first.passed, "first output alone: \(first)")
        let second = checkGradients([x]) { t, v in cubeAndSquares(t, v[0], Calls()).squares * 1 }
        #expect(second.passed, "second output alone: \(second)")

        let calls = Calls(), tape = Tape()
        let v = tape.variable(x)
        let y = cubeAndSquares(tape, v, calls)
        (y.squares + y.cube.sum()).backward()
        #expect(calls.received == [[true, true]])
        let alone = Calls(), tape2 = Tape()
        let v2 = tape2.variable(x)
        cubeAndSquares(tape2, v2, alone).squares.backward()
        #expect(alone.received == [[false, true]])
        #expect(v2.grad.scalars == (2 * x).scalars)
    }

    @Test func parametersAccumulateAndZero() {
        let p = Parameter(name: "w", value: Tensor([1, 2]))
        let tape = Tape()
        let w = tape[p]
        #expect(tape[p].index == w.index)
        (w * w + w * 3).sum().backward()  // d/dw = 2w + 3
        #expect(p.grad.scalars == [5, 7])
        let tape2 = Tape()
        tape2[p].sum().backward()
        #expect(p.grad.scalars == [6, 8])  // added, not replaced
        [p].zeroGradients()
        #expect(p.grad.scalars == [0, 0])
    }

    @Test func constantsGetNoGradientWork() {
        let tape = Tape()
        let c = tape.constant(Tensor([1, 2]))
        let y = (c * 2).exp().sum()
        #expect(!y.requiresGradient)
        y.backward()  // nothing to do, must not crash
        #expect(c.grad.scalars == [0, 0])
    }
}

import Foundation
