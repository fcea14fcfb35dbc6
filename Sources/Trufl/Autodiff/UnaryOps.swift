import Foundation

/// Elementwise functions of one variable. Backwards are zero wherever the incoming gradient is zero.
extension Var {
    func unary(_ f: UnaryFunction) -> Var {
        tape.record(value.apply(f), .unary(index, f), needsGrad: requiresGradient)
    }

    /// `eˣ`.
    public func exp() -> Var { unary(.exp) }
    /// Natural logarithm (−∞ at 0).
    public func log() -> Var { unary(.log) }
    /// `1 / (1 + e⁻ˣ)`, stable for large |x|.
    public func sigmoid() -> Var { unary(.sigmoid) }
    /// `log σ(x) = −softplus(−x)`, stable (via `Float.log(onePlus:)`).
    public func logSigmoid() -> Var { unary(.logSigmoid) }
    /// `log(1 + eˣ)`, stable (via `Float.log(onePlus:)`).
    public func softplus() -> Var { unary(.softplus) }
    public func tanh() -> Var { unary(.tanh) }
    /// `log(p / (1 − p))` for p in (0, 1).
    public func logit() -> Var { unary(.logit) }
    /// `x²`.
    public func squared() -> Var { unary(.square) }
    public func sqrt() -> Var { unary(.sqrt) }
    /// `|x|` (gradient 0 at 0).
    public func abs() -> Var { unary(.abs) }
    /// `max(x, 0)`.
    public func relu() -> Var { unary(.relu) }
    /// `1 / x`.
    public func reciprocal() -> Var { unary(.reciprocal) }
    /// `log(1 + x)`, accurate near 0.
    public func logOnePlus() -> Var { unary(.logOnePlus) }
    /// `eˣ − 1`, accurate near 0.
    public func expMinusOne() -> Var { unary(.expMinusOne) }

    /// `xᵖ` elementwise.
    public func pow(_ p: Float) -> Var {
        tape.record(value.pow(p), .pow(index, p), needsGrad: requiresGradient)
    }

    /// Limited to `[low, high]`; the gradient passes only where `low ≤ x ≤ high`.
    public func clamped(_ low: Float, _ high: Float) -> Var {
        guard low <= high else { fatalError("clamped: low \(low) exceeds high \(high)") }
        return tape.record(value.clamped(low, high), .clamp(index, low: low, high: high), needsGrad: requiresGradient)
    }
}

extension Tape {
    /// `g · f′(x)` elementwise into x's gradient, given node i's input x and output y = f(x); zero wherever
    /// `g` is zero.
    func backwardUnary(_ i: Int, _ x: Int, _ function: UnaryFunction, _ g: Tensor) {
        let input = values[x], output = values[i], n = g.count
        let gradient = input.scalars.withUnsafeBufferPointer { xb in
            output.scalars.withUnsafeBufferPointer { yb in
                g.scalars.withUnsafeBufferPointer { gb in
                    Tensor(shape: g.shape) { ob in
                        let px = xb.baseAddress!, py = yb.baseAddress!, pg = gb.baseAddress!, po = ob.baseAddress!
                        parallelChunks(n) { lo, hi in function.backward(px, py, pg, po, lo, hi) }
                    }
                }
            }
        }
        accumulate(x, gradient)
    }

    func backwardPow(_ x: Int, _ p: Float, _ g: Tensor) {
        accumulate(x, Tensor.zip(g, values[x], op: "pow") { g, x in Scalar.scale(g, p * Foundation.pow(x, p - 1)) })
    }

    func backwardClamp(_ x: Int, _ low: Float, _ high: Float, _ g: Tensor) {
        accumulate(x, Tensor.zip(g, values[x], op: "clamped") { g, x in x >= low && x <= high ? g : 0 })
    }
}

/// Each function's derivative loop, specialised per case like the forward loops (`Tensor/Elementwise.swift`).
extension UnaryFunction {
    /// `out = g · f′` from the gradient and one of input/output (`v`).
    @inline(__always)
    private func loop(_ g: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                      _ lo: Int, _ hi: Int, _ d: (Float) -> Float) {
        var i = lo
        while i < hi { out[i] = Scalar.scale(g[i], d(v[i])); i &+= 1 }
    }

    func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                  _ out: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int) {
        switch self {
        case .exp: VectorMath.forEach(g, y, out, lo, hi) { VectorMath.scale($0, $1) }
        case .log: loop(g, x, out, lo, hi) { 1 / $0 }
        case .sigmoid: VectorMath.forEach(g, y, out, lo, hi) { VectorMath.scale($0, $1 * (1 - $1)) }
        case .logSigmoid: VectorMath.forEach(g, x, out, lo, hi) { VectorMath.scale($0, VectorMath.sigmoid(-$1)) }
        case .softplus: VectorMath.forEach(g, x, out, lo, hi) { VectorMath.scale($0, VectorMath.sigmoid($1)) }
        case .tanh: loop(g, y, out, lo, hi) { 1 - $0 * $0 }
        case .logit: loop(g, x, out, lo, hi) { 1 / ($0 * (1 - $0)) }
        case .square: loop(g, x, out, lo, hi) { 2 * $0 }
        case .sqrt: loop(g, y, out, lo, hi) { 0.5 / $0 }
        case .abs: loop(g, x, out, lo, hi) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        case .relu: loop(g, x, out, lo, hi) { $0 > 0 ? 1 : 0 }
        case .reciprocal: loop(g, y, out, lo, hi) { -$0 * $0 }
        case .logOnePlus: loop(g, x, out, lo, hi) { 1 / (1 + $0) }
        case .expMinusOne: loop(g, y, out, lo, hi) { $0 + 1 }
        }
    }
}
