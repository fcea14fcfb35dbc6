import Testing
@testable import Trufl

@Suite struct ElementwiseGradientTests {
    @Test(arguments: [
        ([2, 3], [2, 3]), ([2, 3], [3]), ([2, 1], [1, 3]), ([], [2, 3]), ([2, 1, 3], [4, 1]), ([3, 1], [3, 4]),
    ] as [([Int], [Int])])
    func binaryOperatorsBroadcast(_ shapes: ([Int], [Int])) {
        var inputs = Inputs(1)
        let a = inputs.normal(Shape(shapes.0)), b = inputs.normal(Shape(shapes.1))
        let positive = inputs.uniform(Shape(shapes.1), 0.5, 2)
        for (name, op) in [("+", { (x: Var, y: Var) in x + y }), ("-", { $0 - $1 }), ("*", { $0 * $1 })] as [(String, (Var, Var) -> Var)] {
            let r = checkGradients([a, b]) { _, v in op(v[0], v[1]) }
            #expect(r.passed, "\(name) \(shapes): \(r)")
            let swapped = checkGradients([b, a]) { _, v in op(v[0], v[1]) }
            #expect(swapped.passed, "\(name) swapped \(shapes): \(swapped)")
        }
        let r = checkGradients([a, positive]) { _, v in v[0] / v[1] }
        #expect(r.passed, "/ \(shapes): \(r)")
    }

    @Test func scalarOperators() {
        var inputs = Inputs(2)
        let x = inputs.uniform([2, 3], 0.5, 2)
        for (name, op) in [
            ("x*2+1", { (x: Var) in x * 2 + 1 }), ("3-x", { 3 - $0 }), ("2/x", { 2 / $0 }), ("-x", { -$0 }),
            ("x/4-1", { $0 / 4 - 1 }), ("0.5*x", { 0.5 * $0 }), ("x+T", { $0 + Tensor([1, 2, 3]) }),
            ("T*x", { Tensor([1, 2, 3]) * $0 }), ("T/x", { Tensor([1, 2, 3]) / $0 }),
        ] as [(String, (Var) -> Var)] {
            let r = checkGradients([x]) { _, v in op(v[0]) }
            #expect(r.passed, "\(name): \(r)")
        }
    }

    @Test func unaryFunctions() {
        var inputs = Inputs(3)
        let real = inputs.normal([3, 4]) * 2
        let positive = inputs.uniform([3, 4], 0.5, 2)
        let probability = inputs.uniform([3, 4], 0.2, 0.8)
        let kinked = inputs.awayFromZero([3, 4])
        let cases: [(String, Tensor, (Var) -> Var)] = [
            ("exp", real, { $0.exp() }), ("log", positive, { $0.log() }), ("sigmoid", real, { $0.sigmoid() }),
            ("logSigmoid", real, { $0.logSigmoid() }), ("softplus", real, { $0.softplus() }),
            ("tanh", real, { $0.tanh() }), ("logit", probability, { $0.logit() }), ("squared", real, { $0.squared() }),
            ("sqrt", positive, { $0.sqrt() }), ("abs", kinked, { $0.abs() }), ("relu", kinked, { $0.relu() }),
            ("reciprocal", positive, { $0.reciprocal() }), ("logOnePlus", probability, { $0.logOnePlus() }),
            ("expMinusOne", real, { $0.expMinusOne() }), ("pow 2.5", positive, { $0.pow(2.5) }),
            ("pow -1.5", positive, { $0.pow(-1.5) }), ("clamped", kinked, { $0.clamped(-0.9, 0.8) }),
        ]
        for (name, x, f) in cases {
            let r = checkGradients([x]) { _, v in f(v[0]) }
            #expect(r.passed, "\(name): \(r)")
        }
    }

    @Test func stableFormulasAtExtremes() {
        let x = Tensor([-200, -30, 0, 30, 200])
        #expect(x.softplus().scalars == [0, Float.log(onePlus: Foundation.exp(-30)), Float.log(2), 30, 200])
        #expect(x.logSigmoid().scalars[4] == 0)
        #expect(x.logSigmoid().scalars[0] == -200)
        #expect(x.sigmoid().scalars.allSatisfy { $0.isFinite })
        #expect(Tensor([1e-8]).apply(.logOnePlus).scalar == 1e-8)
    }

    @Test func selectMinimumMaximum() {
        var inputs = Inputs(4)
        let a = inputs.distinct([3, 4]), b = inputs.normal([3, 4]) + 0.05
        let mask = a .> b
        let r1 = checkGradients([a, b]) { _, v in select(mask, v[0], v[1]) }
        #expect(r1.passed, "select: \(r1)")
        let r2 = checkGradients([a, b]) { _, v in minimum(v[0], v[1]) * maximum(v[0], v[1]) }
        #expect(r2.passed, "min·max: \(r2)")
        let row = inputs.normal([4])
        let r3 = checkGradients([a, row]) { _, v in select(v[0].value .> 0, v[0], v[1]) }
        #expect(r3.passed, "select broadcast: \(r3)")
        let r4 = checkGradients([a]) { _, v in maximum(v[0], 0.1) + minimum(v[0], -0.2) }
        #expect(r4.passed, "max/min with constants: \(r4)")
    }

    @Test func unselectedInfinityGivesZeroGradientNotNaN() {
        // log 0 = −∞ in the unselected branch: its gradient must be exactly 0.
        let tape = Tape()
        let x = tape.variable(Tensor([0, 1, 2]))
        let y = select(x .> 0, x.log(), -Float.infinity)
        let z = select(x .> 0, y, 0).sum()
        z.backward()
        #expect(x.grad.scalars == [0, 1, 0.5])
    }

    @Test func zeroGradientTimesInfinityIsZero() {
        let tape = Tape()
        let x = tape.variable(Tensor([0, 1]))
        let b = tape.constant(Tensor([.infinity, 2]))
        let masked = select(Mask(shape: [2], values: [false, true]), x * b, 0)
        masked.sum().backward()
        #expect(x.grad.scalars == [0, 2])
    }
}

import Foundation
import RealModule
