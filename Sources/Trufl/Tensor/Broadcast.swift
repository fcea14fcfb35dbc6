/// Broadcasting (numpy rules): shapes are aligned at their last dimension; a dimension of 1 (or a missing
/// leading dimension) stretches to match the other. These helpers are the machinery every binary kernel uses.
extension Shape {
    /// The broadcast of two shapes, or a `fatalError` naming `op` and both shapes.
    public static func broadcast(_ a: Shape, _ b: Shape, op: String) -> Shape {
        if a == b { return a }
        let r = Swift.max(a.rank, b.rank)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.rank ? 1 : a[i - (r - a.rank)]
            let db = i < r - b.rank ? 1 : b[i - (r - b.rank)]
            if da == db || db == 1 {
                out[i] = da
            } else if da == 1 {
                out[i] = db
            } else {
                fatalError("\(op): shapes \(a) and \(b) do not broadcast")
            }
        }
        return Shape(out)
    }

    /// Strides of this shape read inside the (larger or equal) shape `out`: 0 along stretched dimensions.
    func broadcastStrides(in out: Shape) -> SIMD8<Int> {
        let own = strides
        var s = SIMD8<Int>.zero
        let shift = out.rank - rank
        for i in 0..<rank where dims[i] != 1 || out.dims[i + shift] == 1 {
            s[i + shift] = own[i]
        }
        return s
    }
}

/// Visits `out` row by row (the last dimension is a row), giving the row's start offset in the output
/// and in two broadcast operands with strides `sa` and `sb`, for rows `lo ..< hi`.
@inline(__always)
func forEachRow(_ out: Shape, _ sa: SIMD8<Int>, _ sb: SIMD8<Int>, rows lo: Int, _ hi: Int,
                _ body: (_ o: Int, _ a: Int, _ b: Int) -> Void) {
    let r = out.rank
    if r == 0 { body(0, 0, 0); return }
    let inner = out.dims[r - 1]
    // Odometer over the leading r − 1 dimensions, started at row `lo`.
    var index = SIMD8<Int>.zero
    var rem = lo
    var offA = 0, offB = 0
    var d = r - 2
    while d >= 0 {
        let q = rem % out.dims[d]
        index[d] = q
        offA &+= q &* sa[d]
        offB &+= q &* sb[d]
        rem /= out.dims[d]
        d -= 1
    }
    var row = lo
    while row < hi {
        body(row &* inner, offA, offB)
        row &+= 1
        var k = r - 2
        while k >= 0 {
            index[k] &+= 1
            offA &+= sa[k]
            offB &+= sb[k]
            if index[k] < out.dims[k] { break }
            offA &-= index[k] &* sa[k]
            offB &-= index[k] &* sb[k]
            index[k] = 0
            k -= 1
        }
    }
}

extension Tensor {
    /// Applies `f` elementwise to two broadcast operands (on the calling thread; the arithmetic operators
    /// use ``binary(_:_:_:)``, which splits large same-shape work across cores).
    @inline(__always)
    static func zip(_ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float) -> Tensor {
        let shape = Shape.broadcast(a.shape, b.shape, op: op)
        let n = shape.elementCount
        return a.scalars.withUnsafeBufferPointer { ab in
            b.scalars.withUnsafeBufferPointer { bb in
                Tensor(shape: shape) { ob in
                    let pa = ab.baseAddress!, pb = bb.baseAddress!, po = ob.baseAddress!
                    // Serial loops: `f` inlines here (a closure carried into worker threads would not).
                    if a.count == n && b.count == n {
                        var i = 0
                        while i < n { po[i] = f(pa[i], pb[i]); i &+= 1 }
                    } else if b.count == 1 {
                        let s = pb[0]
                        var i = 0
                        while i < n { po[i] = f(pa[i], s); i &+= 1 }
                    } else if a.count == 1 {
                        let s = pa[0]
                        var i = 0
                        while i < n { po[i] = f(s, pb[i]); i &+= 1 }
                    } else {
                        let sa = a.shape.broadcastStrides(in: shape), sb = b.shape.broadcastStrides(in: shape)
                        let r = shape.rank
                        let inner = shape.dims[r - 1]
                        let ia = sa[r - 1], ib = sb[r - 1]
                        forEachRow(shape, sa, sb, rows: 0, n / Swift.max(inner, 1)) { o, oa, ob in
                            var j = 0, ja = oa, jb = ob
                            while j < inner {
                                po[o &+ j] = f(pa[ja], pb[jb])
                                j &+= 1; ja &+= ia; jb &+= ib
                            }
                        }
                    }
                }
            }
        }
    }

    /// Sums this tensor down to `target`, a shape that broadcasts to this one (the adjoint of broadcasting).
    public func sum(toShape target: Shape) -> Tensor {
        if target == shape { return self }
        let out = Shape.broadcast(target, shape, op: "sum(toShape:)")
        guard out == shape else { fatalError("sum(toShape:): \(target) does not broadcast to \(shape)") }
        var result = Tensor.zeros(target)
        if count == 0 { return result }
        let st = target.broadcastStrides(in: shape)
        let sg = shape.strides
        let r = shape.rank
        let inner = shape.dims[r - 1]
        let it = st[r - 1]
        scalars.withUnsafeBufferPointer { gb in
            result.scalars.withUnsafeMutableBufferPointer { tb in
                let pg = gb.baseAddress!, pt = tb.baseAddress!
                forEachRow(shape, sg, st, rows: 0, count / Swift.max(inner, 1)) { o, _, ot in
                    if it == 0 {
                        var acc: Float = 0
                        var j = 0
                        while j < inner { acc += pg[o &+ j]; j &+= 1 }
                        pt[ot] += acc
                    } else {
                        var j = 0
                        while j < inner { pt[ot &+ j] += pg[o &+ j]; j &+= 1 }
                    }
                }
            }
        }
        return result
    }

    /// This tensor stretched (copied) to `target` by broadcasting.
    public func broadcast(to target: Shape) -> Tensor {
        if target == shape { return self }
        let out = Shape.broadcast(shape, target, op: "broadcast(to:)")
        guard out == target else { fatalError("broadcast(to:): \(shape) does not broadcast to \(target)") }
        return Tensor.zip(self, Tensor.zeros(target), op: "broadcast(to:)") { a, _ in a }
    }
}
