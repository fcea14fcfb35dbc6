/// Vectorised elementary functions, eight lanes at a time (`SIMD8<Float>`: one AVX register in the default
/// x86-64-v3 build, two SSE2 registers in the portable one), for the hot loops that would otherwise call libm
/// once per element: the fused dequantiser and mixture densities (``LogisticDensities``,
/// ``MixtureDensityKernel``), the decoder's log-sum-exp and the tape's exp, sigmoid, log-sigmoid and softplus.
///
/// **Accuracy.** Both exponentials reduce `x = n·ln 2 + r` (Cody–Waite, `|r| ≤ ln 2 / 2`) and evaluate the
/// degree-7 Taylor polynomial of `eʳ` (truncation below 1e-8 relative), then scale by `2ⁿ` through the exponent
/// bits. ``expNonPositive(_:)`` returns 0 where the result would be subnormal (below e^−87.33 ≈ 1.2e-38), so
/// log σ(+∞) = softplus(−∞) = 0 exactly; ``exp(_:)``, the general one, keeps subnormals.
/// ``logOnePlusUnit(_:)`` computes `log(1 + e)` for `e ∈ [0, 1]` as `2·atanh(u)`, `u = e / (2 + e) ∈ [0, 1/3]`,
/// with the odd series of atanh through u¹⁵ (truncation below 2e-9 relative): no `1 + e` is ever rounded, so
/// a tiny `e` keeps its digits, which is what `log1p` is for. `VectorMathTests` sweeps them (and the
/// composites below) against double precision: within 3.6e-7 relative for exp and sigmoid, 2.5e-7 for
/// log-sigmoid and softplus (relative to max(1, |value|)).
///
/// **Inlining.** These helpers are `@inline(always)` (SE-0496: inlined or a compile error), not the older
/// `@inline(__always)`, which the optimiser treats as a hint: in large kernels it left `logSigmoid` and the
/// dequantiser's `softMargin` as calls, one per vector, each spilling its `SIMD8` arguments to the stack
/// (bench row 3's backward ran at 247 ms with the calls, 173 ms without; the arithmetic is the same).
enum VectorMath {
    typealias F8 = SIMD8<Float>

    @inline(always) static func load(_ p: UnsafePointer<Float>) -> F8 {
        UnsafeRawPointer(p).loadUnaligned(as: F8.self)
    }

    @inline(always) static func store(_ v: F8, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: F8.self)
    }

    /// `|x|` through the sign bit.
    @inline(always) static func abs(_ x: F8) -> F8 {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: F8.self)
    }

    /// The core every vector `exp` of the engine shares, at any width (eight lanes here, four in the LSTM's
    /// portable kernels, ``FusedLSTMKernels``): `x = n·ln 2 + r` (Cody–Waite, `|r| ≤ ln 2 / 2`) and the degree-7
    /// Taylor polynomial of `eʳ`. Returns it with `n + 1.5·2²³` as a float, whose low bits hold `n` (x must lie
    /// in about ±150); the caller turns that into `2ⁿ` with its own integer vector type.
    @inline(always)
    static func reducedExp<V: SIMD>(_ x: V) -> (polynomial: V, shiftedN: V) where V.Scalar == Float {
        let magic: Float = 12_582_912  // 1.5 · 2²³: adding it rounds to an integer kept in the low bits
        let kf = x * 1.442_695_04 + magic
        let n = kf - magic
        let r = (x - n * 0.693_145_751_953_125) - n * 1.428_606_765_330_187e-06
        var p = V(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return (p, kf)
    }

    /// ``reducedExp(_:)`` on eight lanes, with `n` as integers.
    @inline(always) static func reduced(_ x: F8) -> (polynomial: F8, n: SIMD8<Int32>) {
        let (p, kf) = reducedExp(x)
        return (p, unsafeBitCast(kf, to: SIMD8<Int32>.self) &- 0x4B40_0000)
    }

    /// `2ⁿ` as a float, for `n` in −126 … 127.
    @inline(always) static func powerOfTwo(_ n: SIMD8<Int32>) -> F8 {
        unsafeBitCast((n &+ 127) &<< 23, to: F8.self)
    }

    /// `eˣ` for `x ≤ 0` (larger `x` is not supported), flushed to 0 below −87.33 where it would be subnormal.
    @inline(always) static func expNonPositive(_ x0: F8) -> F8 {
        let (p, n) = reduced(x0.replacing(with: -87, where: x0 .< -87))
        return (p * powerOfTwo(n)).replacing(with: 0, where: x0 .< -87.33)
    }

    /// `eˣ` for every x: overflow to +∞ above ≈ 88.72, gradual underflow (subnormals) down to 0 below ≈ −103.9,
    /// NaN for NaN. `2ⁿ` (n in −152 … 129) is applied as two factors so that neither overflows nor flushes
    /// to zero on its own.
    @inline(always) static func exp(_ x0: F8) -> F8 {
        let (p, n) = reduced(x0.replacing(with: -105, where: x0 .< -105).replacing(with: 89, where: x0 .> 89))
        let half = n &>> 1
        return p * powerOfTwo(half) * powerOfTwo(n &- half)
    }

    /// `log(1 + e)` for `e ∈ [0, 1]`.
    @inline(always) static func logOnePlusUnit(_ e: F8) -> F8 {
        let u = e / (2 + e)
        let w = u * u
        var p = F8(repeating: 1.0 / 15)
        p = p * w + 1.0 / 13
        p = p * w + 1.0 / 11
        p = p * w + 1.0 / 9
        p = p * w + 1.0 / 7
        p = p * w + 1.0 / 5
        p = p * w + 1.0 / 3
        p = p * w + 1
        return 2 * u * p
    }

    /// The pieces every logistic quantity is made of, from one `exp`: `e = e^{−|x|}` and `r = 1 / (1 + e)`,
    /// so that `σ(|x|) = r` and `σ(−|x|) = e·r`.
    @inline(always) static func logisticParts(_ x: F8) -> (e: F8, r: F8) {
        let e = expNonPositive(-abs(x))
        return (e, 1 / (1 + e))
    }

    /// `log σ(x) = min(x, 0) − log(1 + e^{−|x|})`.
    @inline(always) static func logSigmoid(_ x: F8) -> F8 {
        x.replacing(with: 0, where: x .> 0) - logOnePlusUnit(expNonPositive(-abs(x)))
    }

    /// `softplus(x) = log(1 + eˣ) = max(x, 0) + log(1 + e^{−|x|})`.
    @inline(always) static func softplus(_ x: F8) -> F8 {
        x.replacing(with: 0, where: x .< 0) + logOnePlusUnit(expNonPositive(-abs(x)))
    }

    /// `σ(x)`: `r` for `x ≥ 0`, `e·r` below.
    @inline(always) static func sigmoid(_ x: F8) -> F8 {
        let (e, r) = logisticParts(x)
        return (e * r).replacing(with: r, where: x .>= 0)
    }

    /// `log σ(x) + log σ(−x) = −|x| − 2·log(1 + e^{−|x|})`, the standard logistic's log density.
    @inline(always) static func logisticLogDensity(_ x: F8) -> F8 {
        let a = abs(x)
        return -a - 2 * logOnePlusUnit(expNonPositive(-a))
    }

    /// Applies `f` over `lo ..< hi`, eight at a time, the tail through a zero-padded vector.
    @inline(always)
    static func forEach(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int,
                        _ f: (F8) -> F8) {
        var i = lo
        while i &+ 8 <= hi {
            store(f(load(x + i)), y + i)
            i &+= 8
        }
        if i < hi {
            var v = F8()
            for j in 0..<(hi &- i) { v[j] = x[i &+ j] }
            let out = f(v)
            for j in 0..<(hi &- i) { y[i &+ j] = out[j] }
        }
    }

    /// `out[i] = f(g[i], x[i])` over `lo ..< hi`, eight at a time (for derivatives: g the incoming gradient).
    @inline(always)
    static func forEach(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                        _ lo: Int, _ hi: Int, _ f: (F8, F8) -> F8) {
        var i = lo
        while i &+ 8 <= hi {
            store(f(load(g + i), load(x + i)), out + i)
            i &+= 8
        }
        if i < hi {
            var u = F8(), v = F8()
            for j in 0..<(hi &- i) { u[j] = g[i &+ j]; v[j] = x[i &+ j] }
            let o = f(u, v)
            for j in 0..<(hi &- i) { out[i &+ j] = o[j] }
        }
    }

    /// `g · d`, but exactly 0 where `g` is 0 (``Scalar/scale(_:_:)``, eight lanes).
    @inline(always) static func scale(_ g: F8, _ d: F8) -> F8 {
        (g * d).replacing(with: 0, where: g .== 0)
    }

    /// Scalar forms (tests; tails).
    static func logSigmoid(_ x: Float) -> Float { logSigmoid(F8(repeating: x))[0] }
    static func softplus(_ x: Float) -> Float { softplus(F8(repeating: x))[0] }
    static func sigmoid(_ x: Float) -> Float { sigmoid(F8(repeating: x))[0] }
    static func exp(_ x: Float) -> Float { exp(F8(repeating: x))[0] }
}
