import Foundation

extension Tensor {
    /// Reduces along `axis` (seen as `outer × n × inner`), writing `reduce(pointer to first, n, stride)` per output.
    @inline(__always)
    func reduce(axis: Int, keepDims: Bool, op: String, _ reduce: (UnsafePointer<Float>, Int, Int) -> Float) -> Tensor {
        let a = shape.axis(axis, op: op)
        let (outer, n, inner) = shape.split(at: a)
        let outShape = keepDims ? shape.replacing(axis: a, with: 1) : shape.removing(axis: a)
        if outer * inner == 0 { return Tensor.zeros(outShape) }
        if n == 0 { return Tensor(shape: outShape, repeating: reduce(UnsafePointer(bitPattern: 8)!, 0, inner)) }
        return scalars.withUnsafeBufferPointer { ib in
            Tensor(shape: outShape) { ob in
                let pi = ib.baseAddress!, po = ob.baseAddress!
                var o = 0
                while o < outer {
                    var i = 0
                    while i < inner {
                        po[o &* inner &+ i] = reduce(pi + (o &* n &* inner &+ i), n, inner)
                        i &+= 1
                    }
                    o &+= 1
                }
            }
        }
    }

    /// The sum along `axis` (negative counts from the end); the axis is dropped unless `keepDims`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = shape.axis(axis, op: "sum(axis:)")
        let (outer, n, inner) = shape.split(at: a)
        if inner > 1 && n > 0 && outer > 0 {
            // Add whole rows: contiguous and vectorisable.
            let outShape = keepDims ? shape.replacing(axis: a, with: 1) : shape.removing(axis: a)
            var result = Tensor.zeros(outShape)
            scalars.withUnsafeBufferPointer { ib in
                result.scalars.withUnsafeMutableBufferPointer { ob in
                    let pi = ib.baseAddress!, po = ob.baseAddress!
                    for o in 0..<outer {
                        let dst = po + o &* inner
                        for j in 0..<n {
                            let src = pi + (o &* n &+ j) &* inner
                            var i = 0
                            while i < inner { dst[i] += src[i]; i &+= 1 }
                        }
                    }
                }
            }
            return result
        }
        return reduce(axis: a, keepDims: keepDims, op: "sum(axis:)") { p, n, _ in
            var acc: Float = 0
            var j = 0
            while j < n { acc += p[j]; j &+= 1 }
            return acc
        }
    }

    /// The sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        Tensor(scalars.withUnsafeBufferPointer { b in
            var acc: Float = 0
            for v in b { acc += v }
            return acc
        })
    }

    /// The mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        let n = shape[shape.axis(axis, op: "mean(axis:)")]
        return sum(axis: axis, keepDims: keepDims) * (1 / Float(n))
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor { sum() * (1 / Float(count)) }

    /// The maximum along `axis` (−∞ for an empty axis).
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        reduce(axis: axis, keepDims: keepDims, op: "max(axis:)") { p, n, s in
            var m = -Float.infinity
            var j = 0
            while j < n { m = Swift.max(m, p[j &* s]); j &+= 1 }
            return m
        }
    }

    /// `log Σ exp` along `axis`, stable: the row maximum is factored out. A row whose entries are all −∞
    /// gives −∞ (never NaN); −∞ entries simply drop out of the sum.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor {
        reduce(axis: axis, keepDims: keepDims, op: "logSumExp(axis:)") { p, n, s in
            var m = -Float.infinity
            var j = 0
            while j < n { m = Swift.max(m, p[j &* s]); j &+= 1 }
            if !m.isFinite { return m }  // all −∞ (or a +∞ entry)
            var acc: Float = 0
            j = 0
            if s == 1 {
                // Contiguous (the last axis): eight lanes at a time.
                var lanes = SIMD8<Float>()
                while j &+ 8 <= n { lanes += VectorMath.exp(VectorMath.load(p + j) - m); j &+= 8 }
                acc = lanes.sum()
            }
            while j < n { acc += Foundation.exp(p[j &* s] - m); j &+= 1 }
            return m + Foundation.log(acc)
        }
    }

    /// The index of the largest element along the last axis, for each leading position.
    public func argmaxLastAxis() -> [Int] {
        guard rank >= 1 else { fatalError("argmaxLastAxis: needs rank ≥ 1, got \(shape)") }
        let k = shape[rank - 1]
        return (0..<(k == 0 ? 0 : count / k)).map { row in
            var best = 0
            for j in 1..<Swift.max(k, 1) where scalars[row * k + j] > scalars[row * k + best] { best = j }
            return best
        }
    }
}
