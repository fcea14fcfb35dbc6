import Dispatch
import Foundation

/// Algorithm 1's loop for the logistic family, fused into one tape node: log q(z|k) for every category k,
/// z `[N, D]` → `[N, K]`, without the `[N, K, D]` intermediates that composing it from tape ops builds
/// (ten of them forward, as many backward: at K = 50, D = 8, N = 65 536 each is 100 MB).
///
/// Per category k and dimension d (``Window``): the inverse flow z''= z·e^{−tanh a} − b (``CategoryScaleShift``),
/// the logistic log density log σ(z'') + log σ(−z''), for TRUFL minus log s (Eq. 7) and either the hard
/// support test (−∞ outside, against ends computed in double precision: chapter 01) or the soft indicator
/// log σ((s/2 − |σ(z'') − m|) / τ) (``SupportIndicator/soft(temperature:)``, written between complements
/// where m > 1/2, as ``TruncatedLogisticSampler/logSoftIndicator(_:mTilde:sTilde:temperature:)`` does); then the sum over d
/// plus log|det ∂z''/∂z| = −Σ_d tanh a. The backward recomputes each element's pieces instead of storing
/// them and sums the parameters' gradients over n in double precision.
///
/// The composed version (``TRUFLDequantiser/logDensitiesComposed(_:indicator:)``) is the reference the tests
/// hold this kernel to, values and gradients; z'' is formed with the same single-precision operations, so the
/// hard support test gives the same answer bit for bit.
enum LogisticDensities {
    typealias F8 = SIMD8<Float>

    /// The truncation of one dequantiser (nil for CatNF's untruncated logistic) and how its edge is tested.
    struct Windows {
        let mTilde: Var, sTilde: Var
        let indicator: SupportIndicator
    }

    /// Category k's constants in dimension d, in the form the vector loops read them.
    struct Window {
        var inverseScale: Float = 1, shift: Float = 0, tanhA: Float = 0
        // TRUFL only: log s (Eq. 5), the window's centre c in the half that keeps its digits (σ(m̃) for
        // m̃ ≤ 0, else σ(−m̃), with `side` +1 or −1), half its width s/2 = c·σ(s̃), and the support's ends
        // in z'' as the nearest floats inside (the backward reads the ``TruncationWindow`` they come from).
        var logWidth: Float = 0, centre: Float = 0, side: Float = 1, halfWidth: Float = 0
        var lower = -Float.infinity, upper = Float.infinity
    }

    /// log q(z|k) for every k; `flow` is the category-conditional scale and shift (or nil), `truncation`
    /// TRUFL's windows (or nil). Inputs on the tape: z, then m̃, s̃, then the flow's a, b.
    /// `baseScale` σ (CatNF's, ``CatNFDequantiser/baseScale``; 1 for TRUFL) divides z'' and adds −D log σ.
    static func evaluate(_ z: Var, categories: Int, flow: CategoryScaleShift?, truncation: Windows?,
                         baseScale: Float = 1) -> Var {
        guard z.shape.rank == 2 else { fatalError("logDensities: z must be [N, D], got \(z.shape)") }
        let tape = z.tape
        let n = z.shape[0], d = z.shape[1], k = categories
        let a = flow.map { tape[$0.logScale] }, b = flow.map { tape[$0.shift] }
        for p in [truncation?.mTilde, truncation?.sTilde, a, b].compactMap({ $0 }) where p.shape != [k, d] {
            fatalError("logDensities: parameters of shape \(p.shape) for K = \(k), D = \(d)")
        }
        let truncations = truncation.map { TruncationWindow.all(mTilde: $0.mTilde.value, sTilde: $0.sTilde.value) }
        guard truncation == nil || baseScale == 1 else { fatalError("logDensities: a base scale is CatNF's, not TRUFL's") }
        let windows = makeWindows(k, d, a?.value, b?.value, truncations, baseScale: baseScale)
        let kernel = Kernel(n: n, k: k, d: d, windows: windows, truncations: truncations, baseScale: baseScale,
                            softTemperature: truncation.flatMap { t in
                                if case .soft(let tau) = t.indicator { return tau } else { return nil } },
                            z: z.value)
        let value = kernel.forward()
        let inputs = [z] + [truncation?.mTilde, truncation?.sTilde, a, b].compactMap { $0 }
        // The backward captures plain values only: a Var (or the flow) would hold the tape, which holds this closure.
        let (truncated, hasFlow) = (truncation != nil, flow != nil)
        return tape.custom(inputs: inputs, value: value) { g in
            let grads = kernel.backward(g)
            var out: [Tensor?] = [grads.z]
            if truncated { out += [grads.mTilde, grads.sTilde] }
            if hasFlow { out += [grads.logScale, grads.shift] }
            return out
        }
    }

    static func makeWindows(_ k: Int, _ d: Int, _ a: Tensor?, _ b: Tensor?, _ truncations: [TruncationWindow]?,
                            baseScale: Float = 1) -> [Window] {
        (0..<(k * d)).map { i in
            var w = Window()
            if let a, let b {
                // The same single-precision steps as the composed inverse: tanh, negate, exp; z·scale − b.
                w.tanhA = Foundation.tanh(a.scalars[i])
                w.inverseScale = Foundation.exp(-w.tanhA)
                w.shift = b.scalars[i]
            }
            if baseScale != 1 {  // (z·e^{−tanh a} − b)/σ as one scale and shift
                w.inverseScale /= baseScale
                w.shift /= baseScale
            }
            if let t = truncations?[i] {
                (w.logWidth, w.centre, w.halfWidth) = t.singlePrecision
                w.side = t.side
                w.lower = insideFloat(t.lower, roundingUp: true)
                w.upper = insideFloat(t.upper, roundingUp: false)
            }
            return w
        }
    }

    /// The float nearest `end` on the inside: a float v satisfies v ≥ end exactly when v ≥ this (rounding up).
    static func insideFloat(_ end: Double, roundingUp: Bool) -> Float {
        var f = Float(end)
        if roundingUp { while Double(f) < end { f = f.nextUp } } else { while Double(f) > end { f = f.nextDown } }
        return f
    }

    /// The work of one call: z transposed to `[D, N']` (N' = N rounded up to eight lanes, zero-padded) and
    /// split into blocks of ``block`` positions, each block in L1 for every (k, d).
    final class Kernel: @unchecked Sendable {
        static let block = 128
        let n: Int, k: Int, d: Int, padded: Int
        let windows: [Window]
        /// TRUFL's windows, `[K·D]` (nil for CatNF).
        let truncations: [TruncationWindow]?
        /// CatNF's base scale σ (1 otherwise).
        let baseScale: Float
        let softTemperature: Float?
        let zT: [Float]

        init(n: Int, k: Int, d: Int, windows: [Window], truncations: [TruncationWindow]?, baseScale: Float = 1,
             softTemperature: Float?, z: Tensor) {
            (self.n, self.k, self.d) = (n, k, d)
            padded = (n + 7) / 8 * 8
            self.windows = windows
            self.truncations = truncations
            self.baseScale = baseScale
            self.softTemperature = softTemperature
            var t = [Float](repeating: 0, count: d * padded)
            for i in 0..<n { for e in 0..<d { t[e * padded + i] = z.scalars[i * d + e] } }
            zT = t
        }

        var truncated: Bool { truncations != nil }
        var hard: Bool { truncated && softTemperature == nil }

        /// Runs `body` over blocks `0 ..< count` on one thread, or over two halves on two (split at a point
        /// fixed by N alone, so results do not depend on timing) when the work is large; one result per part.
        @discardableResult
        func forEachHalf<R>(_ body: (_ blocks: Range<Int>, _ half: Int) -> R) -> [R] {
            let blocks = (n + Kernel.block - 1) / Kernel.block
            if n * k * d < 1 << 16 || blocks < 2 { return [body(0..<blocks, 0)] }
            var results = [R?](repeating: nil, count: 2)
            results.withUnsafeMutableBufferPointer { parts in
                let out = parts.baseAddress!
                DispatchQueue.concurrentPerform(iterations: 2) { h in
                    out[h] = body(h == 0 ? 0..<(blocks / 2) : (blocks / 2)..<blocks, h)
                }
            }
            return results.map { $0! }
        }

        /// The constant part of row k: −Σ_d log s (TRUFL) − Σ_d tanh a (− D log σ for CatNF's base scale σ ≠ 1).
        func constant(_ c: Int) -> Float {
            var logDet: Float = 0, width: Float = 0
            for e in 0..<d { logDet += windows[c * d + e].tanhA; width += windows[c * d + e].logWidth }
            guard baseScale != 1 else { return -logDet - width }
            return -logDet - width - Float(d) * Foundation.log(baseScale)
        }
    }
}
