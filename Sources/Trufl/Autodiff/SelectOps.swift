/// Choosing between variables with a ``Mask``. The unselected branch gets an exactly zero gradient, so a
/// ±∞ there (say `log 0` outside a truncated support) never turns into NaN.

/// `mask ? a : b` elementwise (the three shapes broadcast together).
public func select(_ mask: Mask, _ a: Var, _ b: Var) -> Var {
    let tape = a.tape
    tape.checkSame(a, b, op: "select")
    let out = Tensor.select(mask, a.value, b.value)
    let m = mask.broadcast(to: out.shape)
    return tape.record(out, .select(m.values, a.index, b.index),
                       needsGrad: a.requiresGradient || b.requiresGradient)
}

/// `mask ? a : b` with a constant `b` (e.g. `-.infinity` outside a support).
public func select(_ mask: Mask, _ a: Var, _ b: Float) -> Var { select(mask, a, a.tape.constant(b)) }

/// `mask ? a : b` with a constant `a`.
public func select(_ mask: Mask, _ a: Float, _ b: Var) -> Var { select(mask, b.tape.constant(a), b) }

/// Elementwise minimum (ties go to `a`).
public func minimum(_ a: Var, _ b: Var) -> Var { select(a.value .<= b.value, a, b) }

/// Elementwise maximum (ties go to `a`).
public func maximum(_ a: Var, _ b: Var) -> Var { select(a.value .>= b.value, a, b) }

/// Elementwise minimum with a constant.
public func minimum(_ a: Var, _ b: Float) -> Var { select(a.value .<= b, a, b) }

/// Elementwise maximum with a constant.
public func maximum(_ a: Var, _ b: Float) -> Var { select(a.value .>= b, a, b) }

extension Var {
    public static func .< (a: Var, b: Var) -> Mask { a.value .< b.value }
    public static func .<= (a: Var, b: Var) -> Mask { a.value .<= b.value }
    public static func .> (a: Var, b: Var) -> Mask { a.value .> b.value }
    public static func .>= (a: Var, b: Var) -> Mask { a.value .>= b.value }
    public static func .< (a: Var, b: Float) -> Mask { a.value .< b }
    public static func .<= (a: Var, b: Float) -> Mask { a.value .<= b }
    public static func .> (a: Var, b: Float) -> Mask { a.value .> b }
    public static func .>= (a: Var, b: Float) -> Mask { a.value .>= b }
}

extension Tape {
    func backwardSelect(_ mask: [Bool], _ a: Int, _ b: Int, _ g: Tensor) {
        accumulate(a, Tensor.masked(g, mask, keep: true).sum(toShape: values[a].shape))
        accumulate(b, Tensor.masked(g, mask, keep: false).sum(toShape: values[b].shape))
    }
}
