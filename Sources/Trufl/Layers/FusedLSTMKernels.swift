/// The elementwise kernels of the fused LSTM's portable path (``FusedLSTMSteps``): the gate activations,
/// cell and hidden update of one step and its backward, four lanes at a time with `SIMD4<Float>` (SSE2,
/// which every x86-64 has), and a vectorisable `exp` for the sigmoid and tanh. The AVX-512 path
/// (`Sources/CTruflKernels/LSTMKernels.c`) evaluates the same formulas sixteen lanes at a time.
///
/// **Accuracy.** `exp` here reduces `x = n·ln 2 + r` (Cody–Waite, `|r| ≤ ln 2 / 2`) and evaluates the
/// degree-7 Taylor polynomial of `eʳ` (truncation below 1e-8 relative), then scales by `2ⁿ` through the
/// exponent bits. ``FusedLSTMKernels/sigmoid(_:)`` is `num / (1 + e)` with `e = exp(−|x|)` (`num` is 1 or
/// `e`), and ``FusedLSTMKernels/tanh(_:)`` is the odd Taylor series through x¹⁹ for `|x| < 0.625` (truncation
/// below 1e-8 relative) and `±(1 − 2e / (1 + e))` with `e = exp(−2|x|)` beyond. Measured against a
/// double-precision reference on every float in [−1, 1] and on steps of 1e-5 relative out to ±90 (a one-off
/// sweep of 1.7·10⁹ points; `FusedLSTMTests` re-checks a dense sample): sigmoid within 1.74e-7 relative, the same bound as the engine's libm-based
/// `Logistic.sigmoid`, and tanh within 1.59e-7, libm's `tanhf` being within 1.69e-7 — so each stays within
/// about 2 ulp of the exact value, and within ≈ 3.5e-7 relative of libm's result.
/// Arguments are clamped so that `exp` sees `x ≥ −87`: the sigmoid of `x < −87` is ≈ 1.6e-38 instead
/// of a subnormal (an absolute error below 2e-38), and tanh saturates to ±1 exactly as libm's does.
enum FusedLSTMKernels {
    typealias F4 = SIMD4<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> F4 {
        UnsafeRawPointer(p).loadUnaligned(as: F4.self)
    }

    @inline(__always) static func store(_ v: F4, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: F4.self)
    }

    @inline(__always) static func select(_ mask: SIMDMask<SIMD4<Int32>>, _ a: F4, _ b: F4) -> F4 {
        b.replacing(with: a, where: mask)
    }

    /// `−|x|` and `|x|` through the sign bit.
    @inline(__always) static func minusAbs(_ x: F4) -> F4 {
        unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt32>.self) | 0x8000_0000, to: F4.self)
    }
    @inline(__always) static func abs(_ x: F4) -> F4 {
        unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt32>.self) & 0x7FFF_FFFF, to: F4.self)
    }

    /// `eˣ` for `x ≤ 0` (larger `x` is not supported; `x < −87` is treated as −87).
    @inline(__always) static func expNonPositive(_ x0: F4) -> F4 {
        let (p, kf) = VectorMath.reducedExp(x0.replacing(with: -87, where: x0 .< -87))
        let exponent = (unsafeBitCast(kf, to: SIMD4<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: F4.self)
    }

    /// The logistic sigmoid `1 / (1 + e⁻ˣ)`.
    @inline(__always) static func sigmoid(_ x: F4) -> F4 {
        let e = expNonPositive(minusAbs(x))
        let numerator = select(x .< 0, e, F4(repeating: 1))
        return numerator / (1 + e)
    }

    /// The hyperbolic tangent.
    @inline(__always) static func tanh(_ x: F4) -> F4 {
        let a = abs(x)
        let e = expNonPositive(-2 * a)
        let far = 1 - (2 * e) / (1 + e)
        let x2 = x * x
        var p = F4(repeating: -0.000_239_129_114_243_552_48)
        p = p * x2 + 0.000_590_027_440_945_586
        p = p * x2 - 0.001_455_834_387_051_318_3
        p = p * x2 + 0.003_592_128_036_572_481
        p = p * x2 - 0.008_863_235_529_902_197
        p = p * x2 + 0.021_869_488_536_155_203
        p = p * x2 - 0.053_968_253_968_253_97
        p = p * x2 + 0.133_333_333_333_333_33
        p = p * x2 - 0.333_333_333_333_333_3
        let near = x + x * x2 * p
        return select(a .< 0.625, near, select(x .< 0, -far, far))
    }

    /// Scalar forms (for tests and odd tails).
    static func sigmoid(_ x: Float) -> Float { sigmoid(F4(repeating: x))[0] }
    static func tanh(_ x: Float) -> Float { tanh(F4(repeating: x))[0] }

    /// One step's cell for four units: gates' pre-activations (bias included) and the previous cell in;
    /// the activations, new cell, its tanh and the hidden output out.
    @inline(__always)
    static func cell(_ zi: F4, _ zf: F4, _ zg: F4, _ zo: F4, _ cPrev: F4)
        -> (i: F4, f: F4, g: F4, o: F4, c: F4, tc: F4, h: F4) {
        let i = sigmoid(zi), f = sigmoid(zf), g = tanh(zg), o = sigmoid(zo)
        let c = f * cPrev + i * g
        let tc = tanh(c)
        return (i, f, g, o, c, tc, o * tc)
    }

    /// The backward of ``cell(_:_:_:_:_:)``: given the gradients of the hidden output and of the new cell
    /// (from the next step), the gradients of the four pre-activations and of the previous cell.
    @inline(__always)
    static func cellBackward(i: F4, f: F4, g: F4, o: F4, tc: F4, cPrev: F4, dh: F4, dc: F4)
        -> (zi: F4, zf: F4, zg: F4, zo: F4, cPrev: F4) {
        let dcTotal = dc + dh * o * (1 - tc * tc)
        let dzo = dh * tc * (o * (1 - o))
        let dzi = dcTotal * g * (i * (1 - i))
        let dzf = dcTotal * cPrev * (f * (1 - f))
        let dzg = dcTotal * i * (1 - g * g)
        return (dzi, dzf, dzg, dzo, dcTotal * f)
    }

    /// Four lanes from `p` (fewer when `count < 4`, the rest zero).
    @inline(__always) static func load(_ p: UnsafePointer<Float>, _ count: Int) -> F4 {
        if count >= 4 { return load(p) }
        var v = F4()
        for k in 0..<count { v[k] = p[k] }
        return v
    }

    /// Stores four lanes at `p` (fewer when `count < 4`).
    @inline(__always) static func store(_ v: F4, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= 4 { store(v, p); return }
        for k in 0..<count { p[k] = v[k] }
    }

    /// One time step's gates, unit-major: gate row `r` (`0 ..< 4·hidden`, gates i, f, g, o) of the step is
    /// `z + r·zStride ..< + batch` (in: `W_xᵀx + W_hᵀh`, out: the activations); the previous cell `cPrev`
    /// and the outputs `c`, `tanhC`, `h` are `[hidden, batch]`.
    static func forwardStep(z: UnsafeMutablePointer<Float>, zStride: Int, bias: UnsafePointer<Float>,
                            cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                            tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                            batch: Int, hidden: Int) {
        let n = hidden
        for j in 0..<n {
            let zi = z + j &* zStride, zf = zi + n &* zStride, zg = zf + n &* zStride, zo = zg + n &* zStride
            let bi = F4(repeating: bias[j]), bf = F4(repeating: bias[n &+ j])
            let bg = F4(repeating: bias[2 &* n &+ j]), bo = F4(repeating: bias[3 &* n &+ j])
            let row = j &* batch
            let cp = cPrev + row, cc = c + row, tcc = tanhC + row, hh = h + row
            var b = 0
            while b &+ 4 <= batch {
                let r = cell(load(zi + b) + bi, load(zf + b) + bf, load(zg + b) + bg, load(zo + b) + bo, load(cp + b))
                store(r.i, zi + b); store(r.f, zf + b); store(r.g, zg + b); store(r.o, zo + b)
                store(r.c, cc + b); store(r.tc, tcc + b); store(r.h, hh + b)
                b &+= 4
            }
            if b < batch {
                forwardTail(zi + b, zf + b, zg + b, zo + b, bi, bf, bg, bo, cp + b, cc + b, tcc + b, hh + b, batch &- b)
            }
        }
    }

    @inline(never)
    static func forwardTail(_ zi: UnsafeMutablePointer<Float>, _ zf: UnsafeMutablePointer<Float>,
                            _ zg: UnsafeMutablePointer<Float>, _ zo: UnsafeMutablePointer<Float>,
                            _ bi: F4, _ bf: F4, _ bg: F4, _ bo: F4, _ cp: UnsafePointer<Float>,
                            _ cc: UnsafeMutablePointer<Float>, _ tcc: UnsafeMutablePointer<Float>,
                            _ hh: UnsafeMutablePointer<Float>, _ k: Int) {
        let r = cell(load(zi, k) + bi, load(zf, k) + bf, load(zg, k) + bg, load(zo, k) + bo, load(cp, k))
        store(r.i, zi, k); store(r.f, zf, k); store(r.g, zg, k); store(r.o, zo, k)
        store(r.c, cc, k); store(r.tc, tcc, k); store(r.h, hh, k)
    }

    /// One time step's backward, in ``forwardStep(z:zStride:bias:cPrev:c:tanhC:h:batch:hidden:)``'s layout:
    /// `a` the step's activations, `dh` the gradient of its hidden output, `dc` that of its cell (replaced
    /// by the previous cell's); writes the gradient of the gate pre-activations into `dz` (rows `dzStride` apart).
    static func backwardStep(a: UnsafePointer<Float>, aStride: Int, tanhC: UnsafePointer<Float>,
                             cPrev: UnsafePointer<Float>, dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                             dz: UnsafeMutablePointer<Float>, dzStride: Int, batch: Int, hidden: Int) {
        let n = hidden
        for j in 0..<n {
            let ai = a + j &* aStride, af = ai + n &* aStride, ag = af + n &* aStride, ao = ag + n &* aStride
            let zi = dz + j &* dzStride, zf = zi + n &* dzStride, zg = zf + n &* dzStride, zo = zg + n &* dzStride
            let row = j &* batch
            let tc = tanhC + row, cp = cPrev + row, dhh = dh + row, dcc = dc + row
            var b = 0
            while b &+ 4 <= batch {
                let r = cellBackward(i: load(ai + b), f: load(af + b), g: load(ag + b), o: load(ao + b),
                                     tc: load(tc + b), cPrev: load(cp + b), dh: load(dhh + b), dc: load(dcc + b))
                store(r.zi, zi + b); store(r.zf, zf + b); store(r.zg, zg + b); store(r.zo, zo + b)
                store(r.cPrev, dcc + b)
                b &+= 4
            }
            if b < batch {
                backwardTail(ai + b, af + b, ag + b, ao + b, tc + b, cp + b, dhh + b, dcc + b,
                             zi + b, zf + b, zg + b, zo + b, batch &- b)
            }
        }
    }

    @inline(never)
    static func backwardTail(_ ai: UnsafePointer<Float>, _ af: UnsafePointer<Float>, _ ag: UnsafePointer<Float>,
                             _ ao: UnsafePointer<Float>, _ tc: UnsafePointer<Float>, _ cp: UnsafePointer<Float>,
                             _ dh: UnsafePointer<Float>, _ dc: UnsafeMutablePointer<Float>,
                             _ zi: UnsafeMutablePointer<Float>, _ zf: UnsafeMutablePointer<Float>,
                             _ zg: UnsafeMutablePointer<Float>, _ zo: UnsafeMutablePointer<Float>, _ k: Int) {
        let r = cellBackward(i: load(ai, k), f: load(af, k), g: load(ag, k), o: load(ao, k), tc: load(tc, k),
                             cPrev: load(cp, k), dh: load(dh, k), dc: load(dc, k))
        store(r.zi, zi, k); store(r.zf, zf, k); store(r.zg, zg, k); store(r.zo, zo, k)
        store(r.cPrev, dc, k)
    }

    /// `out[c, r] = in[r, c]` for an `[rows, columns]` matrix whose rows are `inStride` apart (`out`'s are `rows`).
    static func transpose(_ input: UnsafePointer<Float>, rows: Int, columns: Int, inStride: Int,
                          into out: UnsafeMutablePointer<Float>, outStride: Int) {
        let tile = 16
        var r0 = 0
        while r0 < rows {
            let r1 = Swift.min(r0 &+ tile, rows)
            var c0 = 0
            while c0 < columns {
                let c1 = Swift.min(c0 &+ tile, columns)
                for r in r0..<r1 {
                    let src = input + r &* inStride
                    for c in c0..<c1 { out[c &* outStride &+ r] = src[c] }
                }
                c0 = c1
            }
            r0 = r1
        }
    }
}

extension FusedLSTMKernels {
    /// `Σ p[0 ..< count]` (four partial sums).
    static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var acc = F4()
        var i = 0
        while i &+ 4 <= count { acc += load(p + i); i &+= 4 }
        var s = (acc[0] + acc[1]) + (acc[2] + acc[3])
        while i < count { s += p[i]; i &+= 1 }
        return s
    }
}
