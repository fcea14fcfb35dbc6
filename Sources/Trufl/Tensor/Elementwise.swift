import Foundation
import RealModule

/// Elementwise functions of one tensor, with the stable formulations the book relies on.
public enum UnaryFunction: Sendable {
    case exp, log, sigmoid, logSigmoid, softplus, tanh, logit, square, sqrt, abs, relu, reciprocal
    /// `log(1 + x)` (swift-numerics' `Float.log(onePlus:)`).
    case logOnePlus
    /// `exp(x) − 1` (swift-numerics' `Float.expMinusOne`).
    case expMinusOne

    var name: String { "\(self)" }
}

/// Scalar helpers of the elementwise kernels (σ, log σ and softplus are ``Logistic``'s, for any real type).
enum Scalar {
    /// logit(p) = log p − log(1 − p).
    @inline(__always) static func logit(_ p: Float) -> Float {
        Foundation.log(p) - Float.log(onePlus: -p)
    }
    /// `g · d`, but exactly 0 when the incoming gradient `g` is 0 (so 0 · ∞ never makes a NaN).
    @inline(__always) static func scale(_ g: Float, _ d: Float) -> Float { g == 0 ? 0 : g * d }
}

extension Tensor {
    /// Applies `f` to every element (on the calling thread).
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        let n = count
        return scalars.withUnsafeBufferPointer { ib in
            Tensor(shape: shape) { ob in
                let pi = ib.baseAddress!, po = ob.baseAddress!
                var i = 0
                while i < n { po[i] = f(pi[i]); i &+= 1 }
            }
        }
    }

    /// Applies one of the standard elementwise functions (split across cores for large tensors).
    public func apply(_ function: UnaryFunction) -> Tensor {
        let n = count
        return scalars.withUnsafeBufferPointer { ib in
            Tensor(shape: shape) { ob in
                let pi = ib.baseAddress!, po = ob.baseAddress!
                parallelChunks(n) { lo, hi in function.forward(pi, po, lo, hi) }
            }
        }
    }

    public func exp() -> Tensor { apply(.exp) }
    public func log() -> Tensor { apply(.log) }
    public func sigmoid() -> Tensor { apply(.sigmoid) }
    public func logSigmoid() -> Tensor { apply(.logSigmoid) }
    public func softplus() -> Tensor { apply(.softplus) }
    public func tanh() -> Tensor { apply(.tanh) }
    public func logit() -> Tensor { apply(.logit) }
    public func squared() -> Tensor { apply(.square) }
    public func sqrt() -> Tensor { apply(.sqrt) }
    public func abs() -> Tensor { apply(.abs) }
    public func relu() -> Tensor { apply(.relu) }

    /// `scale · x + shift` elementwise.
    public func affine(scale: Float, shift: Float) -> Tensor { map { scale * $0 + shift } }

    /// Each element raised to the power `p`.
    public func pow(_ p: Float) -> Tensor { map { Foundation.pow($0, p) } }

    /// Each element limited to `[low, high]`.
    public func clamped(_ low: Float, _ high: Float) -> Tensor { map { Swift.min(Swift.max($0, low), high) } }

    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(.sub, a, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(.mul, a, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(.div, a, b) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    public static func + (s: Float, a: Tensor) -> Tensor { a.map { s + $0 } }
    public static func - (s: Float, a: Tensor) -> Tensor { a.map { s - $0 } }
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static func / (s: Float, a: Tensor) -> Tensor { a.map { s / $0 } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// Elementwise minimum and maximum (broadcasting).
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { zip(a, b, op: "minimum") { Swift.min($0, $1) } }
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { zip(a, b, op: "maximum") { Swift.max($0, $1) } }

    /// Adds `other` (same shape) into this tensor in place.
    mutating func addInPlace(_ other: Tensor) {
        guard shape == other.shape else { fatalError("addInPlace: shapes \(shape) and \(other.shape) differ") }
        let n = count
        if n == 0 { return }
        other.scalars.withUnsafeBufferPointer { ob in
            scalars.withUnsafeMutableBufferPointer { sb in
                let po = ob.baseAddress!, ps = sb.baseAddress!
                parallelChunks(n) { lo, hi in
                    var i = lo
                    while i < hi { ps[i] += po[i]; i &+= 1 }
                }
            }
        }
    }

    /// The sum of squares of all elements, accumulated in `Double`.
    public var squaredNorm: Double {
        scalars.withUnsafeBufferPointer { b in
            var acc: Double = 0
            for v in b { acc += Double(v) * Double(v) }
            return acc
        }
    }
}

/// Forward loops per function: each case's loop is specialised (no per-element closure call), so a chunk can
/// run on a worker thread at full speed. The derivatives are the tape's, beside the ops (`Autodiff/UnaryOps.swift`).
extension UnaryFunction {
    @inline(__always)
    private func loop(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int,
                      _ f: (Float) -> Float) {
        var i = lo
        while i < hi { y[i] = f(x[i]); i &+= 1 }
    }

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int) {
        switch self {
        case .exp: VectorMath.forEach(x, y, lo, hi) { VectorMath.exp($0) }
        case .log: loop(x, y, lo, hi) { Foundation.log($0) }
        case .sigmoid: VectorMath.forEach(x, y, lo, hi) { VectorMath.sigmoid($0) }
        case .logSigmoid: VectorMath.forEach(x, y, lo, hi) { VectorMath.logSigmoid($0) }
        case .softplus: VectorMath.forEach(x, y, lo, hi) { VectorMath.softplus($0) }
        case .tanh: loop(x, y, lo, hi) { Foundation.tanh($0) }
        case .logit: loop(x, y, lo, hi) { Scalar.logit($0) }
        case .square: loop(x, y, lo, hi) { $0 * $0 }
        case .sqrt: loop(x, y, lo, hi) { $0.squareRoot() }
        case .abs: loop(x, y, lo, hi) { Swift.abs($0) }
        case .relu: loop(x, y, lo, hi) { Swift.max($0, 0) }
        case .reciprocal: loop(x, y, lo, hi) { 1 / $0 }
        case .logOnePlus: loop(x, y, lo, hi) { Float.log(onePlus: $0) }
        case .expMinusOne: loop(x, y, lo, hi) { Float.expMinusOne($0) }
        }
    }

}

/// The four arithmetic operations, elementwise with broadcasting (the tape records which one a node ran).
enum BinaryKind { case add, sub, mul, div }

extension Tensor {
    /// `a ∘ b` with broadcasting; same-shape and scalar cases run specialised loops split across cores
    /// when large, the general broadcast runs ``zip(_:_:op:_:)``.
    static func binary(_ kind: BinaryKind, _ a: Tensor, _ b: Tensor) -> Tensor {
        let n = Swift.max(a.count, b.count)
        let simple = a.shape == b.shape || (a.count == 1 && b.rank <= Swift.max(a.rank, b.rank) && a.rank <= b.rank)
            || (b.count == 1 && b.rank <= a.rank)
        guard simple, a.count > 0, b.count > 0 else {
            switch kind {
            case .add: return zip(a, b, op: "+") { $0 + $1 }
            case .sub: return zip(a, b, op: "-") { $0 - $1 }
            case .mul: return zip(a, b, op: "*") { $0 * $1 }
            case .div: return zip(a, b, op: "/") { $0 / $1 }
            }
        }
        let shape = a.count >= b.count && a.rank >= b.rank ? a.shape : b.shape
        let sa = a.count == n ? 1 : 0, sb = b.count == n ? 1 : 0
        return a.scalars.withUnsafeBufferPointer { ab in
            b.scalars.withUnsafeBufferPointer { bb in
                Tensor(shape: shape) { ob in
                    let pa = ab.baseAddress!, pb = bb.baseAddress!, po = ob.baseAddress!
                    parallelChunks(n) { lo, hi in kind.run(pa, sa, pb, sb, po, lo, hi) }
                }
            }
        }
    }
}

extension BinaryKind {
    @inline(__always)
    private func loop(_ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                      _ o: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int, _ f: (Float, Float) -> Float) {
        var i = lo
        if sa == 1 && sb == 1 {
            while i < hi { o[i] = f(a[i], b[i]); i &+= 1 }
        } else if sa == 1 {
            let s = b[0]
            while i < hi { o[i] = f(a[i], s); i &+= 1 }
        } else if sb == 1 {
            let s = a[0]
            while i < hi { o[i] = f(s, b[i]); i &+= 1 }
        } else {
            while i < hi { o[i] = f(a[0], b[0]); i &+= 1 }
        }
    }

    /// `o[i] = a[i·sa] ∘ b[i·sb]` for `i` in `lo ..< hi` (strides 0 or 1).
    func run(_ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
             _ o: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int) {
        switch self {
        case .add: loop(a, sa, b, sb, o, lo, hi) { $0 + $1 }
        case .sub: loop(a, sa, b, sb, o, lo, hi) { $0 - $1 }
        case .mul: loop(a, sa, b, sb, o, lo, hi) { $0 * $1 }
        case .div: loop(a, sa, b, sb, o, lo, hi) { $0 / $1 }
        }
    }
}
