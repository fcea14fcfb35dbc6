/// Matrix products on the tape (OpenBLAS `sgemm` forward and backward).
extension Var {
    /// The matrix product: `[m, k]·[k, n]`, batched `[B, m, k]·[B, k, n]`, or `[…, m, k]·[k, n]`;
    /// `transposeA`/`transposeB` read an operand's last two dimensions transposed, without a copy.
    public func matmul(_ other: Var, transposeA: Bool = false, transposeB: Bool = false) -> Var {
        tape.checkSame(self, other, op: "matmul")
        let a = shape, b = other.shape
        if a.rank > 2 && b.rank == 2 && !transposeA {
            // Stack the leading matrices into one tall matrix: a single sgemm each way.
            let k = a[a.rank - 1]
            let flat = reshaped([-1, k]).matmul(other, transposeB: transposeB)
            return flat.reshaped(Shape(a.dimensions.dropLast() + [flat.shape[1]]))
        }
        let out = value.matmul(other.value, transposeA: transposeA, transposeB: transposeB)
        return tape.record(out, .matmul(index, other.index, transposeA: transposeA, transposeB: transposeB),
                           needsGrad: requiresGradient || other.requiresGradient)
    }

    /// The product with a constant matrix.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Var {
        matmul(tape.constant(other), transposeA: transposeA, transposeB: transposeB)
    }
}

extension Tape {
    func backwardMatmul(_ a: Int, _ b: Int, _ ta: Bool, _ tb: Bool, _ g: Tensor) {
        let va = values[a], vb = values[b]
        let p = MatmulPlan(va.shape, vb.shape, transposeA: ta, transposeB: tb)
        let sg = p.m * p.n
        // sgemm with β = 0 writes every element of a gradient (its own pass zeroes C first), so the buffers
        // start uninitialised unless the products are empty (no batch, or an inner dimension of 0: `p.n` for
        // ∂A, `p.m` for ∂B).
        if needsGrad[a] {
            var da = p.n == 0 || p.batch == 0 ? Tensor.zeros(va.shape) : Tensor(overwrittenShape: va.shape)
            if ta {  // A is k×m: dA = op(B) · gᵀ
                Tape.gemmBatch(vb, g, &da, batch: p.batch, m: p.k, n: p.m, k: p.n, tx: tb, ty: true,
                               sx: p.strideB, sy: sg, so: p.strideA)
            } else {  // dA = g · op(B)ᵀ
                Tape.gemmBatch(g, vb, &da, batch: p.batch, m: p.m, n: p.k, k: p.n, tx: false, ty: !tb,
                               sx: sg, sy: p.strideB, so: p.strideA)
            }
            accumulate(a, da)
        }
        if needsGrad[b] {
            var db = p.m == 0 || p.batch == 0 ? Tensor.zeros(vb.shape) : Tensor(overwrittenShape: vb.shape)
            if tb {  // B is n×k: dB = gᵀ · op(A)
                Tape.gemmBatch(g, va, &db, batch: p.batch, m: p.n, n: p.k, k: p.m, tx: true, ty: ta,
                               sx: sg, sy: p.strideA, so: p.strideB)
            } else {  // dB = op(A)ᵀ · g
                Tape.gemmBatch(va, g, &db, batch: p.batch, m: p.k, n: p.n, k: p.m, tx: !ta, ty: false,
                               sx: p.strideA, sy: sg, so: p.strideB)
            }
            accumulate(b, db)
        }
    }

    /// `out[i] (+)= op(x[i]) · op(y[i])` for each batch `i`; an output stride of 0 accumulates over the batch.
    static func gemmBatch(_ x: Tensor, _ y: Tensor, _ out: inout Tensor, batch: Int, m: Int, n: Int, k: Int,
                          tx: Bool, ty: Bool, sx: Int, sy: Int, so: Int) {
        if m == 0 || n == 0 || k == 0 || batch == 0 { return }
        x.scalars.withUnsafeBufferPointer { xb in
            y.scalars.withUnsafeBufferPointer { yb in
                out.scalars.withUnsafeMutableBufferPointer { ob in
                    let px = xb.baseAddress!, py = yb.baseAddress!, po = ob.baseAddress!
                    for i in 0..<batch {
                        Tensor.gemm(px + i &* sx, py + i &* sy, po + i &* so, m: m, n: n, k: k,
                                    transposeA: tx, transposeB: ty, accumulate: so == 0 && i > 0)
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// A tensor of `shape` whose elements are left uninitialised, for a result that the caller overwrites
    /// entirely before anyone reads it (an sgemm with β = 0).
    init(overwrittenShape shape: Shape) {
        self.init(shape: shape, uninitialised: { _ in })
    }
}
