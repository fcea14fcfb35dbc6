import Foundation
import Testing
@testable import Trufl

/// ``VectorMath`` against double precision on dense sweeps, and at the special values.
@Suite struct VectorMathTests {
    /// Every float in [−1, 1] with a stride, then steps of 1e-4 relative out to ±`limit`.
    func sweep(limit: Float) -> [Float] {
        var xs: [Float] = []
        for bits in stride(from: UInt32(0), through: Float(1).bitPattern, by: 9973) {
            xs.append(Float(bitPattern: bits))
            xs.append(-Float(bitPattern: bits))
        }
        var x: Float = 1
        while x < limit { xs.append(x); xs.append(-x); x *= 1.0001 }
        return xs
    }

    func worst(_ xs: [Float], _ f: (Float) -> Float, _ exact: (Double) -> Double,
               relativeTo floor: Double = 0) -> Double {
        xs.reduce(0) { acc, x in
            let e = exact(Double(x))
            let error = Swift.abs(Double(f(x)) - e) / Swift.max(Swift.abs(e), floor)
            return Swift.max(acc, error)
        }
    }

    @Test func expIsWithinThreeUlpsRelative() {
        let xs = sweep(limit: 88.7).filter { $0 > -87.3 }
        let error = worst(xs, VectorMath.exp, Foundation.exp)
        #expect(error < 3.6e-7, "exp: worst relative error \(error)")
        // Subnormal results: within an ulp of the smallest subnormal.
        for x in stride(from: Float(-103.9), to: -87.4, by: 0.37) {
            #expect(Swift.abs(Double(VectorMath.exp(x)) - Foundation.exp(Double(x))) <= 1.5e-45, "exp(\(x))")
        }
    }

    @Test func expSpecialValues() {
        #expect(VectorMath.exp(-.infinity) == 0)
        #expect(VectorMath.exp(-200) == 0)
        #expect(VectorMath.exp(.infinity) == .infinity)
        #expect(VectorMath.exp(89) == .infinity)
        #expect(VectorMath.exp(0) == 1)
        #expect(VectorMath.exp(.nan).isNaN)
    }

    @Test func logisticFunctionsAgreeWithDoublePrecision() {
        let xs = sweep(limit: 200)
        // log σ and softplus: absolute error (they are sums with the exact max(x, 0) part) relative to max(1, |f|).
        func logSigmoid(_ x: Double) -> Double { Swift.min(x, 0) - Foundation.log1p(Foundation.exp(-Swift.abs(x))) }
        let ls = worst(xs, VectorMath.logSigmoid, logSigmoid, relativeTo: 1)
        let sp = worst(xs, VectorMath.softplus, { -logSigmoid(-$0) }, relativeTo: 1)
        #expect(ls < 2.5e-7, "logSigmoid: \(ls)")
        #expect(sp < 2.5e-7, "softplus: \(sp)")
        // log σ(x) for large x is −e^{−x}: relative accuracy is kept (no 1 + e is rounded).
        let far = stride(from: Float(20), to: 80, by: 0.731).map { $0 }
        let tail = worst(far, VectorMath.logSigmoid, logSigmoid)
        #expect(tail < 1e-6, "logSigmoid tail: \(tail)")
        let sg = worst(xs.filter { $0 > -87 }, VectorMath.sigmoid, { 1 / (1 + Foundation.exp(-$0)) })
        #expect(sg < 3.6e-7, "sigmoid: \(sg)")
    }

    @Test func logisticSpecialValues() {
        #expect(VectorMath.logSigmoid(-.infinity) == -.infinity)
        #expect(VectorMath.logSigmoid(.infinity) == 0)
        #expect(VectorMath.softplus(.infinity) == .infinity)
        #expect(VectorMath.softplus(-.infinity) == 0)
        #expect(VectorMath.sigmoid(.infinity) == 1)
        #expect(VectorMath.sigmoid(-.infinity) >= 0 && VectorMath.sigmoid(-.infinity) < 2e-38)
        #expect(VectorMath.logSigmoid(.nan).isNaN && VectorMath.softplus(.nan).isNaN)
    }

    /// The tape's elementwise functions run these kernels on whole tensors, tails included.
    @Test func tensorKernelsMatchTheScalarForms() {
        let x = Tensor((0..<203).map { Float($0) * 0.37 - 40 })
        for (f, g) in [(UnaryFunction.logSigmoid, VectorMath.logSigmoid as (Float) -> Float),
                       (.softplus, VectorMath.softplus), (.sigmoid, VectorMath.sigmoid), (.exp, VectorMath.exp)] {
            #expect(x.apply(f).scalars == x.scalars.map(g), "\(f)")
        }
    }
}
