import Foundation
import RealModule

/// The truncated logistic's pieces on the tape (Eq. 5–7), written for single precision at the edges.
///
/// Eq. 5 gives m = σ(m̃), s = 2·min(m, 1 − m)·σ(s̃). Write c = min(m, 1 − m) and w = (2u₀ − 1)·σ(s̃) ∈ (−1, 1);
/// then Eq. 6's u = m + (u₀ − 1/2)·s is, for m ≤ 1/2,  u = c·(1 + w), 1 − u = σ(−m̃) − c·w,
/// and for m > 1/2 the mirror image, 1 − u = c·(1 − w), u = σ(m̃) + c·w. Both u and 1 − u are therefore
/// formed without subtracting from 1, so a window squeezed against 0 or 1 keeps its digits (chapter 01's
/// lesson), and the sample z' = log u − log(1 − u) is computed in double precision and rounded once.
enum TruncatedLogisticSampler {
    /// The support (a, b) in z of the window with unconstrained parameters (m̃, s̃), in double precision
    /// and with exact complements; ±∞ where the window reaches 0 or 1. Mirror-symmetric: (m̃, s̃) ↦ (−b, −a) at −m̃.
    static func supportEnds(mTilde: Double, sTilde: Double) -> (lower: Double, upper: Double) {
        if mTilde > 0 {
            let (a, b) = supportEnds(mTilde: -mTilde, sTilde: sTilde)
            return (-b, -a)
        }
        let logC = Logistic.logSigmoid(mTilde)                          // log m, m ≤ 1/2
        let logLower = logC + Logistic.logSigmoid(-sTilde)               // m − s/2 = m·σ(−s̃)
        let lower = logLower - Double.log(onePlus: -Double.exp(logLower))
        let logUpper = logC + Double.log(onePlus: Logistic.sigmoid(sTilde))   // m + s/2 = m·(1 + σ(s̃))
        let upperComplement = Double.tanh(-mTilde / 2) + Double.exp(logLower) // 1 − m − s/2 = (1 − 2m) + m·σ(−s̃)
        let upper = upperComplement > 0 ? logUpper - Double.log(upperComplement) : .infinity
        return (lower == -.infinity ? -.infinity : lower, upper)
    }

    /// The ends for every entry of `[K, D]` parameter values, row-major.
    static func supportEnds(mTilde: Tensor, sTilde: Tensor) -> [(lower: Double, upper: Double)] {
        zip(mTilde.scalars, sTilde.scalars).map { supportEnds(mTilde: Double($0), sTilde: Double($1)) }
    }

    /// Eq. 6 and Eq. 7 at the draw, as two custom ops from one pass: z' `[N, D]` for the categories `x`
    /// (each row n uses row x_n of m̃, s̃ `[K, D]`; with `x` nil, m̃ and s̃ are `[N, D]`, one row each) driven by
    /// uniform noise u₀ `[N, D]`, and log f(z'; m, s) summed over D, `[N]`.
    ///
    /// z' = log u − log(1 − u) is computed in double precision and rounded once; if rounding pushed it past an
    /// end of the support it is moved back inside by one ulp, so that a sample always lies in its own support.
    /// Since σ(z') = u, Eq. 7 at the draw is log u + log(1 − u) − log s, also in double precision.
    /// Backward, per element: ∂z'/∂θ = (1/u + 1/(1 − u))·∂u/∂θ and ∂log f/∂θ = (1/u − 1/(1 − u))·∂u/∂θ − ∂log s/∂θ,
    /// with ∂u/∂m̃ = m(1 − m)(1 ± w) (+ for m ≤ 1/2, where c = m), ∂u/∂s̃ = c·w·σ(−s̃), ∂log s/∂s̃ = σ(−s̃) and
    /// ∂log s/∂m̃ = ∂log min(m, 1 − m)/∂m̃ (ties to m, as ``logWidth(mTilde:sTilde:)`` does); the per-window
    /// constants are ``TruncationWindow``'s, and the parameters' gradients are summed over the rows of each category.
    static func sample(mTilde: Var, sTilde: Var, categories x: [Int]?, noise: Tensor) -> (z: Var, logDensity: Var) {
        let mt = mTilde.value, st = sTilde.value
        let n = noise.shape[0], d = noise.shape.rank == 2 ? noise.shape[1] : 0
        guard mt.shape == st.shape, mt.shape.rank == 2, mt.shape[1] == d, (x?.count ?? mt.shape[0]) == n else {
            fatalError("truncated logistic sample: parameters \(mt.shape), \(st.shape), noise \(noise.shape) and \(x?.count ?? n) categories disagree")
        }
        let windows = TruncationWindow.all(mTilde: mt, sTilde: st)
        var value = [Float](repeating: 0, count: n * d), logF = [Float](repeating: 0, count: n)
        var dzM = value, dzS = value, dfM = value, dfS = value
        for row in 0..<n {
            var total = 0.0
            for e in 0..<d {
                let i = row * d + e, window = windows[(x?[row] ?? row) * d + e]
                let u0 = Double(noise.scalars[i])
                let w = (2 * u0 - 1) * window.sigmoidS
                let c = window.centre
                let u = window.lowerHalf ? c * (1 + w) : window.m + c * w
                let v = window.lowerHalf ? window.oneMinusM - c * w : c * (1 - w)
                var zf = Float(Double.log(u) - Double.log(v))
                while Double(zf) < window.lower && zf < .greatestFiniteMagnitude { zf = zf.nextUp }
                while Double(zf) > window.upper && zf > -.greatestFiniteMagnitude { zf = zf.nextDown }
                value[i] = zf
                total += Double.log(u) + Double.log(v) - window.logWidth
                let duM = window.dMDMTilde * (1 + (window.lowerHalf ? w : -w)), duS = c * w * window.sigmoidMinusS
                let (toZ, toF) = (1 / u + 1 / v, 1 / u - 1 / v)
                (dzM[i], dzS[i]) = (Float(toZ * duM), Float(toZ * duS))
                (dfM[i], dfS[i]) = (Float(toF * duM - window.dLogWidthDM), Float(toF * duS - window.sigmoidMinusS))
            }
            logF[row] = Float(total)
        }
        let shape = mt.shape, rows = mt.shape[0]
        /// Σ over the rows of each category of g·(∂/∂θ), g per element (`perRow` false) or per row.
        func scatter(_ g: Tensor, _ derivative: [Float], perRow: Bool) -> Tensor {
            var out = [Float](repeating: 0, count: rows * d)
            for row in 0..<n {
                let target = (x?[row] ?? row) * d
                for e in 0..<d {
                    let gi = g.scalars[perRow ? row : row * d + e]
                    if gi != 0 { out[target + e] += gi * derivative[row * d + e] }
                }
            }
            return Tensor(shape: shape, scalars: out)
        }
        let tape = mTilde.tape
        let z = tape.custom(inputs: [mTilde, sTilde], value: Tensor(shape: noise.shape, scalars: value)) { g in
            [scatter(g, dzM, perRow: false), scatter(g, dzS, perRow: false)]
        }
        let logDensity = tape.custom(inputs: [mTilde, sTilde], value: Tensor(shape: [n], scalars: logF)) { g in
            [scatter(g, dfM, perRow: true), scatter(g, dfS, perRow: true)]
        }
        return (z, logDensity)
    }

    /// log s = log 2 + log min(m, 1 − m) + log σ(s̃) (Eq. 5), elementwise.
    static func logWidth(mTilde: Var, sTilde: Var) -> Var {
        minimum(mTilde.logSigmoid(), (-mTilde).logSigmoid()) + sTilde.logSigmoid() + Float(Foundation.log(2.0))
    }

    /// Eq. 7 inside the support: log σ(z) + log σ(−z) − log s (broadcasting z against m̃, s̃).
    static func logDensityInside(_ z: Var, mTilde: Var, sTilde: Var) -> Var {
        z.logSigmoid() + (-z).logSigmoid() - logWidth(mTilde: mTilde, sTilde: sTilde)
    }

    /// The soft indicator's log, Σ_d log σ(margin_d / τ), margin_d = s/2 − |σ(z''_d) − m| in CDF units,
    /// for z'' `[N, K, D]` against m̃, s̃ `[K, D]`; returns `[N, K]`. Where m > 1/2 the distance is taken
    /// between complements, |σ(−z'') − σ(−m̃)|, which is the same number without the rounding near 1.
    static func logSoftIndicator(_ zPrime: Var, mTilde: Var, sTilde: Var, temperature: Float) -> Var {
        let lowerHalf = mTilde .<= 0
        let distance = select(lowerHalf, zPrime.sigmoid() - mTilde.sigmoid(),
                              (-zPrime).sigmoid() - (-mTilde).sigmoid()).abs()
        let halfWidth = select(lowerHalf, mTilde.sigmoid(), (-mTilde).sigmoid()) * sTilde.sigmoid()   // s/2 = c·σ(s̃)
        return ((halfWidth - distance) * (1 / temperature)).logSigmoid().sum(axis: -1)
    }
}
