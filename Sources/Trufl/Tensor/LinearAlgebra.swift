import COpenBLAS

extension Tensor {
    /// `C = op(A) · op(B)` on raw row-major matrices through OpenBLAS's `cblas_sgemm`.
    @inline(__always)
    static func gemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                     m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, accumulate: Bool = false) {
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                    accumulate ? 1 : 0, c, Int32(n))
    }

    /// The matrix product. Shapes: `[m, k] · [k, n] → [m, n]`; batched `[B, m, k] · [B, k, n] → [B, m, n]`;
    /// `[…, m, k] · [k, n]` multiplies every leading matrix by the same right-hand side. `transposeA` and
    /// `transposeB` read the last two dimensions of an operand transposed, without copying.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let p = MatmulPlan(self.shape, other.shape, transposeA: transposeA, transposeB: transposeB)
        // sgemm with β = 0 writes every element; only an empty inner dimension leaves zeros to return.
        if p.m == 0 || p.n == 0 || p.batch == 0 || p.k == 0 { return Tensor(shape: p.outShape, repeating: 0) }
        var result = Tensor(overwrittenShape: p.outShape)
        scalars.withUnsafeBufferPointer { ab in
            other.scalars.withUnsafeBufferPointer { bb in
                result.scalars.withUnsafeMutableBufferPointer { cb in
                    let pa = ab.baseAddress!, pb = bb.baseAddress!, pc = cb.baseAddress!
                    if p.sharedB && !transposeA {
                        // One tall product: the leading matrices stacked.
                        Tensor.gemm(pa, pb, pc, m: p.batch &* p.m, n: p.n, k: p.k,
                                    transposeA: false, transposeB: transposeB)
                        return
                    }
                    for i in 0..<p.batch {
                        Tensor.gemm(pa + i &* p.strideA, pb + i &* p.strideB, pc + i &* p.m &* p.n,
                                    m: p.m, n: p.n, k: p.k, transposeA: transposeA, transposeB: transposeB)
                    }
                }
            }
        }
        return result
    }

    /// The last two dimensions swapped (a copy).
    public func transposed() -> Tensor {
        guard rank >= 2 else { fatalError("transposed: needs rank ≥ 2, got \(shape)") }
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }
}

/// How a (possibly batched, possibly transposed) matrix product maps onto `sgemm` calls.
struct MatmulPlan {
    var batch = 1, m = 0, n = 0, k = 0
    var strideA = 0, strideB = 0
    var outShape: Shape = .scalar
    /// True when the right operand is one matrix shared by every batch (`[…, m, k] · [k, n]`).
    var sharedB = false

    init(_ a: Shape, _ b: Shape, transposeA: Bool, transposeB: Bool) {
        func fail() -> Never {
            fatalError("matmul: shapes \(a)\(transposeA ? "ᵀ" : "") and \(b)\(transposeB ? "ᵀ" : "") do not multiply")
        }
        guard a.rank >= 2, b.rank >= 2 else { fail() }
        let (ar, ac) = (a[a.rank - 2], a[a.rank - 1])
        let (br, bc) = (b[b.rank - 2], b[b.rank - 1])
        m = transposeA ? ac : ar
        k = transposeA ? ar : ac
        let kb = transposeB ? bc : br
        n = transposeB ? br : bc
        guard k == kb else { fail() }
        strideA = ar * ac
        if b.rank == 2 {
            batch = a.elementCount / Swift.max(strideA, 1)
            if strideA == 0 { batch = a.rank == 2 ? 1 : a.dimensions.dropLast(2).reduce(1, *) }
            strideB = 0
            sharedB = a.rank > 2
            var d = a.dimensions.dropLast(2).map { $0 }
            d += [m, n]
            outShape = Shape(d)
        } else {
            guard a.rank == b.rank, a.dimensions.dropLast(2) == b.dimensions.dropLast(2) else { fail() }
            batch = a.dimensions.dropLast(2).reduce(1, *)
            strideB = br * bc
            var d = a.dimensions.dropLast(2).map { $0 }
            d += [m, n]
            outShape = Shape(d)
        }
    }
}
