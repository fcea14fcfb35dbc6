import Foundation
import Testing
@testable import Trufl

@Suite struct KernelTests {
    @Test func largeTensorsSplitAcrossCoresMatchSerialLoops() {
        var inputs = Inputs(50)
        let n = 3 * parallelThreshold + 7
        let a = inputs.normal([n]), b = inputs.uniform([n], 0.5, 2)
        for (kind, f) in [(BinaryKind.add, { (x: Float, y: Float) in x + y }), (.sub, { $0 - $1 }), (.mul, { $0 * $1 }), (.div, { $0 / $1 })] {
            #expect(Tensor.binary(kind, a, b) == Tensor.zip(a, b, op: "test", f))
            #expect(Tensor.binary(kind, a, Tensor(2)) == Tensor.zip(a, Tensor(2), op: "test", f))
            #expect(Tensor.binary(kind, Tensor(2), b) == Tensor.zip(Tensor(2), b, op: "test", f))
        }
        #expect(a.exp() == a.map { VectorMath.exp($0) })
        #expect(b.log() == b.map { Foundation.log($0) })
        let tape = Tape()
        let x = tape.variable(a)
        x.tanh().sum().backward()
        let expected = a.map { 1 - Foundation.tanh($0) * Foundation.tanh($0) }
        #expect(zip(x.grad.scalars, expected.scalars).allSatisfy { Swift.abs($0 - $1) <= 1e-6 })
        var sum = a
        sum.addInPlace(b)
        #expect(sum == a + b)
    }

    @Test func broadcastingValues() {
        let a = Tensor(shape: [2, 1], scalars: [1, 2]), b = Tensor([10, 20, 30])
        #expect((a + b) == Tensor(rows: [[11, 21, 31], [12, 22, 32]]))
        #expect((a * Tensor(3)).scalars == [3, 6])
        #expect((Tensor(shape: [1, 1], scalars: [1]) + Tensor([1, 2])).shape == [1, 2])
        #expect((Tensor(1) + Tensor(shape: [1, 1], scalars: [1])).shape == [1, 1])
        #expect((Tensor(shape: [0], scalars: []) + Tensor(1)).shape == [0])
        #expect(Tensor(rows: [[11, 21, 31], [12, 22, 32]]).sum(toShape: [2, 1]).scalars == [63, 66])
        #expect(Tensor(rows: [[11, 21, 31], [12, 22, 32]]).sum(toShape: [3]).scalars == [23, 43, 63])
    }

    @Test func masksAndSelect() {
        let x = Tensor([-1, 0, 2])
        let m = x .> 0
        #expect(m.values == [false, false, true])
        #expect((.!m).values == [true, true, false])
        #expect(((x .>= 0) .& (x .< 1)).values == [false, true, false])
        #expect(Tensor.select(m, x, Tensor(-Float.infinity)).scalars == [-.infinity, -.infinity, 2])
    }
}
