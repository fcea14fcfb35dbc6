import Foundation
import RealModule

/// The truncated logistic's pieces on the tape (Eq. 5–7), written for single precision at the edges.
///
/// Eq. 5 gives m = σ(m̃), s = 2·min(m, 1 − m)·σ(s̃). Write c = min(m, 1 − m) and w = (2u₀ − 1)·σ(s̃) ∈ (−1, 1);
/// then Eq. 6's u = m + (u₀ − 1/2)·s is, for m ≤ 1/2,  u = c·(1 + w), 1 − u = σ(−m̃) − c·w,
/// and for m > 1/2 the mirror image, 1 − u = c·(1 − w), u = σ(m̃) + c·w. Both u and 1 − u are therefore
/// formed without subtracting from 1, so a window squeezed against 0 or 1 keeps its digits (chapter 01's
/// lesson), and the sample z' = log u − log(1 − u) is computed in double precision and rounded once.
enum Truncation {
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

    /// Eq. 6 as a custom op: z' `[N, D]` from the gathered parameters m̃, s̃ `[N, D]` and uniform noise u₀.
    /// The value is rounded to single precision and, if rounding pushed it past an end of the support,
    /// moved back inside by one ulp, so that a sample always lies in its own support.
    /// Backward: ∂z'/∂θ = (1/u + 1/(1 − u))·∂u/∂θ with ∂u/∂m̃ = m(1 − m)(1 ± w) (+ for m ≤ 1/2, where c = m)
    /// and ∂u/∂s̃ = c·w·σ(−s̃).
    static func sample(mTilde: Var, sTilde: Var, noise: Tensor) -> Var {
        let mt = mTilde.value, st = sTilde.value
        guard mt.shape == st.shape, mt.shape == noise.shape else {
            fatalError("truncated logistic sample: parameters \(mt.shape), \(st.shape) and noise \(noise.shape) differ")
        }
        let n = noise.count
        var value = [Float](repeating: 0, count: n)
        var dM = [Float](repeating: 0, count: n), dS = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let m̃ = Double(mt.scalars[i]), s̃ = Double(st.scalars[i]), u0 = Double(noise.scalars[i])
            let w = (2 * u0 - 1) * Logistic.sigmoid(s̃)
            let u: Double, v: Double, c: Double
            if m̃ <= 0 {
                c = Logistic.sigmoid(m̃)
                u = c * (1 + w)
                v = Logistic.sigmoid(-m̃) - c * w
            } else {
                c = Logistic.sigmoid(-m̃)
                v = c * (1 - w)
                u = Logistic.sigmoid(m̃) + c * w
            }
            let z = Double.log(u) - Double.log(v)
            let (a, b) = supportEnds(mTilde: m̃, sTilde: s̃)
            var zf = Float(z)
            while Double(zf) < a && zf < .greatestFiniteMagnitude { zf = zf.nextUp }
            while Double(zf) > b && zf > -.greatestFiniteMagnitude { zf = zf.nextDown }
            value[i] = zf
            let dzdu = 1 / u + 1 / v
            let spread = Logistic.sigmoid(m̃) * Logistic.sigmoid(-m̃)
            dM[i] = Float(dzdu * spread * (1 + (m̃ <= 0 ? w : -w)))
            dS[i] = Float(dzdu * c * w * Logistic.sigmoid(-s̃))
        }
        let dMT = Tensor(shape: mt.shape, scalars: dM), dST = Tensor(shape: st.shape, scalars: dS)
        return mTilde.tape.custom(inputs: [mTilde, sTilde], value: Tensor(shape: mt.shape, scalars: value)) { g in
            [Tensor.zip(g, dMT, op: "truncation") { $0 == 0 ? 0 : $0 * $1 },
             Tensor.zip(g, dST, op: "truncation") { $0 == 0 ? 0 : $0 * $1 }]
        }
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
