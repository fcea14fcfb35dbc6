/// `+ − × ÷` on variables with numpy broadcasting, and with tensors or scalars on either side.
extension Var {
    static func binary(_ a: Var, _ b: Var, _ kind: BinaryKind, op: String) -> Var {
        let tape = a.tape
        tape.checkSame(a, b, op: op)
        let va = tape.values[a.index], vb = tape.values[b.index]
        let out: Tensor
        switch kind {
        case .add: out = va + vb
        case .sub: out = va - vb
        case .mul: out = va * vb
        case .div: out = va / vb
        }
        return tape.record(out, .binary(kind, a.index, b.index),
                           needsGrad: tape.needsGrad[a.index] || tape.needsGrad[b.index])
    }

    func affine(scale: Float, shift: Float) -> Var {
        tape.record(value.affine(scale: scale, shift: shift), .affine(index, scale: scale), needsGrad: requiresGradient)
    }

    public static func + (a: Var, b: Var) -> Var { binary(a, b, .add, op: "+") }
    public static func - (a: Var, b: Var) -> Var { binary(a, b, .sub, op: "-") }
    public static func * (a: Var, b: Var) -> Var { binary(a, b, .mul, op: "*") }
    public static func / (a: Var, b: Var) -> Var { binary(a, b, .div, op: "/") }

    public static func + (a: Var, b: Tensor) -> Var { a + a.tape.constant(b) }
    public static func - (a: Var, b: Tensor) -> Var { a - a.tape.constant(b) }
    public static func * (a: Var, b: Tensor) -> Var { a * a.tape.constant(b) }
    public static func / (a: Var, b: Tensor) -> Var { a / a.tape.constant(b) }
    public static func + (a: Tensor, b: Var) -> Var { b.tape.constant(a) + b }
    public static func - (a: Tensor, b: Var) -> Var { b.tape.constant(a) - b }
    public static func * (a: Tensor, b: Var) -> Var { b.tape.constant(a) * b }
    public static func / (a: Tensor, b: Var) -> Var { b.tape.constant(a) / b }

    public static func + (a: Var, s: Float) -> Var { a.affine(scale: 1, shift: s) }
    public static func - (a: Var, s: Float) -> Var { a.affine(scale: 1, shift: -s) }
    public static func * (a: Var, s: Float) -> Var { a.affine(scale: s, shift: 0) }
    public static func / (a: Var, s: Float) -> Var { a.affine(scale: 1 / s, shift: 0) }
    public static func + (s: Float, a: Var) -> Var { a.affine(scale: 1, shift: s) }
    public static func - (s: Float, a: Var) -> Var { a.affine(scale: -1, shift: s) }
    public static func * (s: Float, a: Var) -> Var { a.affine(scale: s, shift: 0) }
    public static func / (s: Float, a: Var) -> Var { a.reciprocal() * s }
    public static prefix func - (a: Var) -> Var { a.affine(scale: -1, shift: 0) }

    public static func += (a: inout Var, b: Var) { a = a + b }
    public static func -= (a: inout Var, b: Var) { a = a - b }
    public static func *= (a: inout Var, b: Var) { a = a * b }
}

extension Tape {
    func backwardBinary(_ i: Int, _ kind: BinaryKind, _ a: Int, _ b: Int, _ g: Tensor) {
        let sa = values[a].shape, sb = values[b].shape
        switch kind {
        case .add:
            accumulate(a, g.sum(toShape: sa))
            accumulate(b, g.sum(toShape: sb))
        case .sub:
            accumulate(a, g.sum(toShape: sa))
            accumulate(b, (-g).sum(toShape: sb))
        case .mul:
            accumulate(a, Tensor.zip(g, values[b], op: "*") { Scalar.scale($0, $1) }.sum(toShape: sa))
            accumulate(b, Tensor.zip(g, values[a], op: "*") { Scalar.scale($0, $1) }.sum(toShape: sb))
        case .div:
            // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −(a/b)/b.
            accumulate(a, Tensor.zip(g, values[b], op: "/") { Scalar.scale($0, 1 / $1) }.sum(toShape: sa))
            if needsGrad[b] {
                let q = Tensor.zip(values[i], values[b], op: "/") { -$0 / $1 }
                accumulate(b, Tensor.zip(g, q, op: "/") { Scalar.scale($0, $1) }.sum(toShape: sb))
            }
        }
    }
}
