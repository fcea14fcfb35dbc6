/// The elementwise kernels of the fused LSTM (``LSTM/callAsFunction(_:initial:)``): the gate activations,
/// cell and hidden update of one step and its backward, four lanes at a time with `SIMD4<Float>` (SSE2,
/// which every x86-64 has), and a vectorisable `exp` for the sigmoid and tanh.
///
/// **Accuracy.** `exp` here reduces `x = n·ln 2 + r` (Cody–Waite, `|r| ≤ ln 2 / 2`) and evaluates the
/// degree-7 Taylor polynomial of `eʳ` (truncation below 1e-8 relative), then scales by `2ⁿ` through the
/// exponent bits. ``FusedLSTMKernels/sigmoid(_:)`` is `num / (1 + e)` with `e = exp(−|x|)` (`num` is 1 or
/// `e`), and ``FusedLSTMKernels/tanh(_:)`` is the odd Taylor series through x¹⁹ for `|x| < 0.625` (truncation
/// below 1e-8 relative) and `±(1 − 2e / (1 + e))` with `e = exp(−2|x|)` beyond. Measured against a
/// double-precision reference (tests in `FusedLSTMTests`): both are within 2.5e-7 relative (≈ 2 ulp),
/// libm's `expf`-based sigmoid and `tanhf` being within 1.2e-7; so the two differ by < 4e-7 relative.
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
        let x = x0.replacing(with: -87, where: x0 .< -87)
        let magic: Float = 12_582_912  // 1.5 · 2²³: adding it rounds to an integer kept in the low bits
        let kf = x * 1.442_695_04 + magic
        let n = kf - magic
        let r = (x - n * 0.693_145_751_953_125) - n * 1.428_606_765_330_187e-06
        var p = F4(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
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

    /// One time step's gates for a `[batch, 4·hidden]` block `z` (in: `x·W_x + h·W_h`, out: the activations
    /// i, f, g, o), writing the cells, their tanh and the hidden outputs (`[batch, hidden]` each).
    static func forwardStep(z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                            cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                            tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                            batch: Int, hidden: Int) {
        let n = hidden, g4 = 4 &* hidden
        let bi = bias, bf = bias + n, bg = bias + 2 &* n, bo = bias + 3 &* n
        for b in 0..<batch {
            let zi = z + b &* g4, zf = zi + n, zg = zi + 2 &* n, zo = zi + 3 &* n
            let row = b &* n
            let cp = cPrev + row, cc = c + row, tcc = tanhC + row, hh = h + row
            var j = 0
            while j &+ 4 <= n {
                let r = cell(load(zi + j) + load(bi + j), load(zf + j) + load(bf + j),
                             load(zg + j) + load(bg + j), load(zo + j) + load(bo + j), load(cp + j))
                store(r.i, zi + j); store(r.f, zf + j); store(r.g, zg + j); store(r.o, zo + j)
                store(r.c, cc + j); store(r.tc, tcc + j); store(r.h, hh + j)
                j &+= 4
            }
            while j < n {
                let r = cell(F4(repeating: zi[j] + bi[j]), F4(repeating: zf[j] + bf[j]),
                             F4(repeating: zg[j] + bg[j]), F4(repeating: zo[j] + bo[j]), F4(repeating: cp[j]))
                zi[j] = r.i[0]; zf[j] = r.f[0]; zg[j] = r.g[0]; zo[j] = r.o[0]
                cc[j] = r.c[0]; tcc[j] = r.tc[0]; hh[j] = r.h[0]
                j &+= 1
            }
        }
    }

    /// One time step's backward: `a` the step's activations `[batch, 4·hidden]`, `dh` the gradient of its
    /// hidden output, `dc` that of its cell (replaced by the previous cell's); writes the pre-activations'
    /// gradient `dz` and adds it, summed over the batch, into `dBias`.
    static func backwardStep(a: UnsafePointer<Float>, tanhC: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                             dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                             dz: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                             batch: Int, hidden: Int) {
        let n = hidden, g4 = 4 &* hidden
        let di = dBias, df = dBias + n, dg = dBias + 2 &* n, dO = dBias + 3 &* n
        for b in 0..<batch {
            let ai = a + b &* g4, af = ai + n, ag = ai + 2 &* n, ao = ai + 3 &* n
            let zi = dz + b &* g4, zf = zi + n, zg = zi + 2 &* n, zo = zi + 3 &* n
            let row = b &* n
            let tc = tanhC + row, cp = cPrev + row, dhh = dh + row, dcc = dc + row
            var j = 0
            while j &+ 4 <= n {
                let r = cellBackward(i: load(ai + j), f: load(af + j), g: load(ag + j), o: load(ao + j),
                                     tc: load(tc + j), cPrev: load(cp + j), dh: load(dhh + j), dc: load(dcc + j))
                store(r.zi, zi + j); store(r.zf, zf + j); store(r.zg, zg + j); store(r.zo, zo + j)
                store(r.cPrev, dcc + j)
                store(load(di + j) + r.zi, di + j); store(load(df + j) + r.zf, df + j)
                store(load(dg + j) + r.zg, dg + j); store(load(dO + j) + r.zo, dO + j)
                j &+= 4
            }
            while j < n {
                let r = cellBackward(i: F4(repeating: ai[j]), f: F4(repeating: af[j]), g: F4(repeating: ag[j]),
                                     o: F4(repeating: ao[j]), tc: F4(repeating: tc[j]), cPrev: F4(repeating: cp[j]),
                                     dh: F4(repeating: dhh[j]), dc: F4(repeating: dcc[j]))
                zi[j] = r.zi[0]; zf[j] = r.zf[0]; zg[j] = r.zg[0]; zo[j] = r.zo[0]
                dcc[j] = r.cPrev[0]
                di[j] += r.zi[0]; df[j] += r.zf[0]; dg[j] += r.zg[0]; dO[j] += r.zo[0]
                j &+= 1
            }
        }
    }
}
