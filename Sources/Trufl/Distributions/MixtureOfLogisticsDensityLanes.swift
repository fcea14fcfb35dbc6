/// The lane-level pieces of ``MixtureDensityKernel``: the previous kernel's reductions over a row's
/// components replayed on vectors of eight rows, and the transposes between the `[R, M]` parameters (a row's
/// components side by side) and the kernel's vectors (component j of eight rows side by side).
extension MixtureDensityKernel {
    /// The lane-wise maximum of the row's "lanes" j < 8·chunks (scratch index min(j, M)), by the previous
    /// kernel's tree: the maximum over vectors in each lane (`replacing(where: v .> m)`), then lanes i and i+4
    /// alike, then `Swift.max(Swift.max(a0, a1), Swift.max(a2, a3))`, whose `max(x, y)` is `y >= x ? y : x`.
    @inline(always) static func top(_ v: UnsafePointer<F8>, _ m: Int, _ chunks: Int) -> F8 {
        let (a0, a1) = (pairTop(v, m, chunks, 0), pairTop(v, m, chunks, 1))
        let (a2, a3) = (pairTop(v, m, chunks, 2), pairTop(v, m, chunks, 3))
        let (b, c) = (a0.replacing(with: a1, where: a1 .>= a0), a2.replacing(with: a3, where: a3 .>= a2))
        return b.replacing(with: c, where: c .>= b)
    }

    /// ``top(_:_:_:)``'s lanes i and i + 4 (i < 4), each the maximum over the vectors, then the larger.
    @inline(always) static func pairTop(_ v: UnsafePointer<F8>, _ m: Int, _ chunks: Int, _ i: Int) -> F8 {
        let (low, high) = (laneTop(v, m, chunks, i), laneTop(v, m, chunks, i &+ 4))
        return low.replacing(with: high, where: high .> low)
    }

    /// Lane i of ``top(_:_:_:)``'s first step: the maximum of "lanes" i, i + 8, … (vectors 0, 1, … of a row).
    @inline(__always) static func laneTop(_ v: UnsafePointer<F8>, _ m: Int, _ chunks: Int, _ i: Int) -> F8 {
        var t = v[Swift.min(i, m)]
        var j = i &+ 8
        for _ in 1..<chunks {
            let u = v[Swift.min(j, m)]
            t = t.replacing(with: u, where: u .> t)
            j &+= 8
        }
        return t
    }

    /// The sum of the row's "lanes" as the previous kernel formed it: per lane, 0 + v[i] + v[i+8] + …, then
    /// `SIMD8.sum()`, which adds the eight lanes in order (−0 + a0 + a1 + … + a7).
    @inline(__always) static func total(_ v: UnsafePointer<F8>, _ m: Int, _ chunks: Int) -> F8 {
        var sum = -F8.zero
        for i in 0..<8 {
            var a = F8.zero
            var j = i
            for _ in 0..<chunks {
                a += v[Swift.min(j, m)]
                j &+= 8
            }
            sum += a
        }
        return sum
    }

    /// Component j of the eight rows of `[8, M]` at `p`, for every j, into `out[0 ..< M]`: groups of eight
    /// components and then one of four by transposes, the rest gathered a value at a time.
    @inline(__always)
    static func loadColumns(_ p: UnsafePointer<Float>, _ m: Int, _ out: UnsafeMutablePointer<F8>) {
        var j = 0
        while j &+ 8 <= m {
            let q = p + j
            let t = transpose((VectorMath.load(q), VectorMath.load(q + m), VectorMath.load(q + 2 &* m),
                               VectorMath.load(q + 3 &* m), VectorMath.load(q + 4 &* m), VectorMath.load(q + 5 &* m),
                               VectorMath.load(q + 6 &* m), VectorMath.load(q + 7 &* m)))
            (out[j], out[j &+ 1], out[j &+ 2], out[j &+ 3]) = (t.0, t.1, t.2, t.3)
            (out[j &+ 4], out[j &+ 5], out[j &+ 6], out[j &+ 7]) = (t.4, t.5, t.6, t.7)
            j &+= 8
        }
        if j &+ 4 <= m {
            @inline(__always) func rows(_ i: Int) -> F8 {
                let q = UnsafeRawPointer(p + j + i &* m)
                return F8(lowHalf: q.loadUnaligned(as: SIMD4<Float>.self),
                          highHalf: (q + 16 &* m).loadUnaligned(as: SIMD4<Float>.self))   // rows i and i + 4
            }
            (out[j], out[j &+ 1], out[j &+ 2], out[j &+ 3]) = transpose4(rows(0), rows(1), rows(2), rows(3))
            j &+= 4
        }
        while j < m {
            let q = p + j
            out[j] = F8(q[0], q[m], q[2 &* m], q[3 &* m], q[4 &* m], q[5 &* m], q[6 &* m], q[7 &* m])
            j &+= 1
        }
    }

    /// The reverse of ``loadColumns(_:_:_:)`` for the first `count` rows: `v[0 ..< M]` into `[count, M]` at `p`.
    @inline(__always)
    static func storeColumns(_ v: UnsafePointer<F8>, _ m: Int, _ count: Int, _ p: UnsafeMutablePointer<Float>) {
        var j = 0
        while count == 8 && j &+ 8 <= m {
            let t = transpose((v[j], v[j &+ 1], v[j &+ 2], v[j &+ 3], v[j &+ 4], v[j &+ 5], v[j &+ 6], v[j &+ 7]))
            let q = p + j
            VectorMath.store(t.0, q); VectorMath.store(t.1, q + m); VectorMath.store(t.2, q + 2 &* m)
            VectorMath.store(t.3, q + 3 &* m); VectorMath.store(t.4, q + 4 &* m); VectorMath.store(t.5, q + 5 &* m)
            VectorMath.store(t.6, q + 6 &* m); VectorMath.store(t.7, q + 7 &* m)
            j &+= 8
        }
        if count == 8 && j &+ 4 <= m {
            @inline(__always) func rows(_ i: Int, _ u: F8) {     // rows i and i + 4
                let q = UnsafeMutableRawPointer(p + j + i &* m)
                q.storeBytes(of: u.lowHalf, as: SIMD4<Float>.self)
                (q + 16 &* m).storeBytes(of: u.highHalf, as: SIMD4<Float>.self)
            }
            let t = transpose4(v[j], v[j &+ 1], v[j &+ 2], v[j &+ 3])
            rows(0, t.0); rows(1, t.1); rows(2, t.2); rows(3, t.3)
            j &+= 4
        }
        while j < m {
            let u = v[j]
            for i in 0..<count { p[i &* m &+ j] = u[i] }
            j &+= 1
        }
    }

    typealias Eight = (F8, F8, F8, F8, F8, F8, F8, F8)

    /// The 8 × 8 transpose (vector i of the result holds lane i of each input): the 128-bit halves of
    /// vectors i and i + 4 exchanged, then ``transpose4(_:_:_:_:)`` (under AVX, `vperm2f128` and `vshufps`:
    /// 24 shuffles instead of 64 inserts or extracts).
    @inline(__always) static func transpose(_ r: Eight) -> Eight {
        @inline(__always) func low(_ a: F8, _ b: F8) -> F8 { F8(lowHalf: a.lowHalf, highHalf: b.lowHalf) }
        @inline(__always) func high(_ a: F8, _ b: F8) -> F8 { F8(lowHalf: a.highHalf, highHalf: b.highHalf) }
        let (c0, c1, c2, c3) = transpose4(low(r.0, r.4), low(r.1, r.5), low(r.2, r.6), low(r.3, r.7))
        let (c4, c5, c6, c7) = transpose4(high(r.0, r.4), high(r.1, r.5), high(r.2, r.6), high(r.3, r.7))
        return (c0, c1, c2, c3, c4, c5, c6, c7)
    }

    /// 4 × 4 transposes in both 128-bit halves at once (its own inverse), by two rounds of even/odd
    /// interleaving: lane i of vector k goes to lane k of vector i, within each half.
    @inline(__always) static func transpose4(_ a: F8, _ b: F8, _ c: F8, _ d: F8) -> (F8, F8, F8, F8) {
        @inline(__always) func evens(_ a: F8, _ b: F8) -> F8 {
            F8(lowHalf: SIMD4(lowHalf: a.lowHalf.evenHalf, highHalf: b.lowHalf.evenHalf),
               highHalf: SIMD4(lowHalf: a.highHalf.evenHalf, highHalf: b.highHalf.evenHalf))
        }
        @inline(__always) func odds(_ a: F8, _ b: F8) -> F8 {
            F8(lowHalf: SIMD4(lowHalf: a.lowHalf.oddHalf, highHalf: b.lowHalf.oddHalf),
               highHalf: SIMD4(lowHalf: a.highHalf.oddHalf, highHalf: b.highHalf.oddHalf))
        }
        let (e0, o0, e1, o1) = (evens(a, b), odds(a, b), evens(c, d), odds(c, d))
        return (evens(e0, e1), evens(o0, o1), odds(e0, e1), odds(o0, o1))
    }
}
