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

/// Stable scalar definitions (shared by the forward kernels and their derivatives).
enum Scalar {
    @inline(__always) static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }
    /// softplus(x) = log(1 + eˣ) = max(x, 0) + log(1 + e^{−|x|}).
    @inline(__always) static func softplus(_ x: Float) -> Float {
        Swift.max(x, 0) + Float.log(onePlus: Foundation.exp(-Swift.abs(x)))
    }
    /// log σ(x) = −softplus(−x).
    @inline(__always) static func logSigmoid(_ x: Float) -> Float {
        Swift.min(x, 0) - Float.log(onePlus: Foundation.exp(-Swift.abs(x)))
    }
    /// logit(p) = log p − log(1 − p).
    @inline(__always) static func logit(_ p: Float) -> Float {
        Foundation.log(p) - Float.log(onePlus: -p)
    }
    /// `g · d`, but exactly 0 when the incoming gradient `g` is 0 (so 0 · ∞ never makes a NaN).
    @inline(__always) static func scale(_ g: Float, _ d: Float) -> Float { g == 0 ? 0 : g * d }
}

extension Tensor {
    /// Applies `f` to every element (split across cores for large tensors).
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        let n = count
        return scalars.withUnsafeBufferPointer { ib in
            Tensor(shape: shape) { ob in
                let pi = ib.baseAddress!, po = ob.baseAddress!
                parallelChunks(n) { lo, hi in
                    var i = lo
                    while i < hi { po[i] = f(pi[i]); i &+= 1 }
                }
            }
        }
    }

    /// Applies one of the standard elementwise functions.
    public func apply(_ function: UnaryFunction) -> Tensor {
        switch function {
        case .exp: return map { Foundation.exp($0) }
        case .log: return map { Foundation.log($0) }
        case .sigmoid: return map { Scalar.sigmoid($0) }
        case .logSigmoid: return map { Scalar.logSigmoid($0) }
        case .softplus: return map { Scalar.softplus($0) }
        case .tanh: return map { Foundation.tanh($0) }
        case .logit: return map { Scalar.logit($0) }
        case .square: return map { $0 * $0 }
        case .sqrt: return map { $0.squareRoot() }
        case .abs: return map { Swift.abs($0) }
        case .relu: return map { Swift.max($0, 0) }
        case .reciprocal: return map { 1 / $0 }
        case .logOnePlus: return map { Float.log(onePlus: $0) }
        case .expMinusOne: return map { Float.expMinusOne($0) }
        }
    }

    /// `g · f′(x)` elementwise, given the input `x` and output `y = f(x)`; zero wherever `g` is zero.
    static func derivative(_ function: UnaryFunction, x: Tensor, y: Tensor, g: Tensor) -> Tensor {
        func with(_ t: Tensor, _ d: (Float, Float) -> Float) -> Tensor {
            Tensor.zip(g, t, op: function.name) { g, v in Scalar.scale(g, d(g, v)) }
        }
        switch function {
        case .exp: return with(y) { _, y in y }
        case .log: return with(x) { _, x in 1 / x }
        case .sigmoid: return with(y) { _, y in y * (1 - y) }
        case .logSigmoid: return with(x) { _, x in Scalar.sigmoid(-x) }
        case .softplus: return with(x) { _, x in Scalar.sigmoid(x) }
        case .tanh: return with(y) { _, y in 1 - y * y }
        case .logit: return with(x) { _, x in 1 / (x * (1 - x)) }
        case .square: return with(x) { _, x in 2 * x }
        case .sqrt: return with(y) { _, y in 0.5 / y }
        case .abs: return with(x) { _, x in x > 0 ? 1 : (x < 0 ? -1 : 0) }
        case .relu: return with(x) { _, x in x > 0 ? 1 : 0 }
        case .reciprocal: return with(y) { _, y in -y * y }
        case .logOnePlus: return with(x) { _, x in 1 / (1 + x) }
        case .expMinusOne: return with(y) { _, y in y + 1 }
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

    public static func + (a: Tensor, b: Tensor) -> Tensor { zip(a, b, op: "+") { $0 + $1 } }
    public static func - (a: Tensor, b: Tensor) -> Tensor { zip(a, b, op: "-") { $0 - $1 } }
    public static func * (a: Tensor, b: Tensor) -> Tensor { zip(a, b, op: "*") { $0 * $1 } }
    public static func / (a: Tensor, b: Tensor) -> Tensor { zip(a, b, op: "/") { $0 / $1 } }
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
