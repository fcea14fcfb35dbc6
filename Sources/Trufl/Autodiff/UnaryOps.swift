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
    func backwardPow(_ x: Int, _ p: Float, _ g: Tensor) {
        accumulate(x, Tensor.zip(g, values[x], op: "pow") { g, x in Scalar.scale(g, p * Foundation.pow(x, p - 1)) })
    }

    func backwardClamp(_ x: Int, _ low: Float, _ high: Float, _ g: Tensor) {
        accumulate(x, Tensor.zip(g, values[x], op: "clamped") { g, x in x >= low && x <= high ? g : 0 })
    }
}
