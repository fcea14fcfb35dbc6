extension Tensor {
    /// The dimensions reordered: result dimension `i` is this tensor's dimension `axes[i]` (a copy).
    public func permuted(_ axes: [Int]) -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            fatalError("permuted: \(axes) is not a permutation of the axes of \(shape)")
        }
        if axes == Array(0..<rank) { return self }
        let outShape = Shape(axes.map { shape[$0] })
        let inStrides = shape.strides
        var sp = SIMD8<Int>.zero
        for (i, a) in axes.enumerated() { sp[i] = inStrides[a] }
        let r = outShape.rank
        let inner = outShape.dims[r - 1]
        let si = sp[r - 1]
        return scalars.withUnsafeBufferPointer { ib in
            Tensor(shape: outShape) { ob in
                let pi = ib.baseAddress!, po = ob.baseAddress!
                forEachRow(outShape, sp, .zero, rows: 0, count / Swift.max(inner, 1)) { o, oi, _ in
                    var j = 0, ji = oi
                    while j < inner { po[o &+ j] = pi[ji]; j &+= 1; ji &+= si }
                }
            }
        }
    }

    /// Elements `range` along `axis` (a copy).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = shape.axis(axis, op: "slice")
        guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
            fatalError("slice: range \(range) out of bounds for axis \(a) of shape \(shape)")
        }
        let (outer, n, inner) = shape.split(at: a)
        let len = range.count
        let outShape = shape.replacing(axis: a, with: len)
        return scalars.withUnsafeBufferPointer { ib in
            Tensor(shape: outShape) { ob in
                let pi = ib.baseAddress!, po = ob.baseAddress!
                let rowIn = n &* inner, rowOut = len &* inner
                for o in 0..<outer {
                    (po + o &* rowOut).update(from: pi + (o &* rowIn &+ range.lowerBound &* inner), count: rowOut)
                }
            }
        }
    }

    /// Adds `piece` into elements `start ..< start + piece.shape[axis]` along `axis` (the adjoint of `slice`).
    mutating func addSlice(_ piece: Tensor, axis a: Int, start: Int) {
        let (outer, n, inner) = shape.split(at: a)
        let len = piece.shape[a]
        if outer * len * inner == 0 { return }
        piece.scalars.withUnsafeBufferPointer { ib in
            scalars.withUnsafeMutableBufferPointer { ob in
                let pi = ib.baseAddress!, po = ob.baseAddress!
                let rowIn = len &* inner, rowOut = n &* inner
                for o in 0..<outer {
                    let dst = po + (o &* rowOut &+ start &* inner), src = pi + o &* rowIn
                    var j = 0
                    while j < rowIn { dst[j] += src[j]; j &+= 1 }
                }
            }
        }
    }

    /// Tensors joined along `axis`; all other dimensions must agree.
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        guard let first = parts.first else { fatalError("concat: no tensors") }
        let a = first.shape.axis(axis, op: "concat")
        var total = 0
        for p in parts {
            guard p.rank == first.rank, p.shape.replacing(axis: a, with: 0) == first.shape.replacing(axis: a, with: 0) else {
                fatalError("concat: shapes \(first.shape) and \(p.shape) differ off axis \(a)")
            }
            total += p.shape[a]
        }
        var result = Tensor.zeros(first.shape.replacing(axis: a, with: total))
        var start = 0
        for p in parts {
            result.addSlice(p, axis: a, start: start)
            start += p.shape[a]
        }
        return result
    }

    /// Rows (dimension 0) picked by `indices`: `[V, …] → [indices.count, …]` (an embedding lookup).
    public func gather(rows indices: [Int]) -> Tensor {
        guard rank >= 1 else { fatalError("gather(rows:): needs rank ≥ 1, got \(shape)") }
        let v = shape[0], width = v == 0 ? 0 : count / v
        let outShape = shape.replacing(axis: 0, with: indices.count)
        if width == 0 || indices.isEmpty { return Tensor.zeros(outShape) }
        return scalars.withUnsafeBufferPointer { ib in
            Tensor(shape: outShape) { ob in
                let pi = ib.baseAddress!, po = ob.baseAddress!
                for (r, i) in indices.enumerated() {
                    guard i >= 0 && i < v else { fatalError("gather(rows:): index \(i) out of range 0..<\(v) for shape \(shape)") }
                    (po + r &* width).update(from: pi + i &* width, count: width)
                }
            }
        }
    }

    /// Row `r` added into row `indices[r]` of a `[count, …]` result (graph messages; the adjoint of gather).
    public func scatterAdd(rows indices: [Int], count outRows: Int) -> Tensor {
        guard rank >= 1, shape[0] == indices.count else {
            fatalError("scatterAdd(rows:count:): shape \(shape) needs \(indices.count) rows (one per index)")
        }
        let width = shape[0] == 0 ? (rank == 1 ? 1 : shape.removing(axis: 0).elementCount) : count / shape[0]
        var result = Tensor.zeros(shape.replacing(axis: 0, with: outRows))
        if width == 0 || indices.isEmpty { return result }
        scalars.withUnsafeBufferPointer { ib in
            result.scalars.withUnsafeMutableBufferPointer { ob in
                let pi = ib.baseAddress!, po = ob.baseAddress!
                for (r, i) in indices.enumerated() {
                    guard i >= 0 && i < outRows else {
                        fatalError("scatterAdd(rows:count:): index \(i) out of range 0..<\(outRows)")
                    }
                    let dst = po + i &* width, src = pi + r &* width
                    var j = 0
                    while j < width { dst[j] += src[j]; j &+= 1 }
                }
            }
        }
        return result
    }

    /// For each position of the leading dimensions, the element at `indices[position]` of the last axis:
    /// `[…, K] → […]` (the log-probability of the observed category).
    public func gather(lastAxis indices: [Int]) -> Tensor {
        guard rank >= 1 else { fatalError("gather(lastAxis:): needs rank ≥ 1, got \(shape)") }
        let k = shape[rank - 1]
        let outShape = shape.removing(axis: rank - 1)
        guard outShape.elementCount == indices.count else {
            fatalError("gather(lastAxis:): shape \(shape) needs \(outShape.elementCount) indices, got \(indices.count)")
        }
        return Tensor(shape: outShape, scalars: indices.enumerated().map { r, i in
            guard i >= 0 && i < k else { fatalError("gather(lastAxis:): index \(i) out of range 0..<\(k)") }
            return scalars[r * k + i]
        })
    }

    /// Zeros with `values[r]` placed at `indices[r]` of the last axis (the adjoint of `gather(lastAxis:)`).
    static func scatter(lastAxis indices: [Int], values: Tensor, into shape: Shape) -> Tensor {
        var result = Tensor.zeros(shape)
        let k = shape[shape.rank - 1]
        for (r, i) in indices.enumerated() { result.scalars[r * k + i] += values.scalars[r] }
        return result
    }
}
