import Foundation
import RealModule

/// One category's truncation in one latent dimension, from the unconstrained parameters (m̃, s̃) that
/// training moves (Eq. 5): m = σ(m̃), s = 2·min(m, 1 − m)·σ(s̃). The sampler (Eq. 6–7,
/// ``TruncatedLogisticSampler``) and the fused densities (``LogisticDensities``) both read their per-window
/// constants from here, so each is computed once, in one way.
///
/// Nothing near 0 or 1 is formed by subtracting from 1: m and 1 − m are σ(m̃) and σ(−m̃), σ(s̃) and σ(−s̃)
/// likewise, and the window is measured from whichever end of (0, 1) its centre is nearer (``lowerHalf``),
/// where c = min(m, 1 − m) keeps its digits (chapter 01's lesson).
struct TruncationWindow {
    let mTilde: Float, sTilde: Float
    /// σ(m̃) = m and σ(−m̃) = 1 − m, in double precision.
    let m: Double, oneMinusM: Double
    /// σ(s̃) and σ(−s̃): the half-width is s/2 = c·σ(s̃).
    let sigmoidS: Double, sigmoidMinusS: Double
    /// Whether Eq. 5's min(m, 1 − m) is m: log σ(m̃) ≤ log σ(−m̃) in single precision, so that a tie goes to m,
    /// as the tape's `minimum` in ``TruncatedLogisticSampler/logWidth(mTilde:sTilde:)`` gives it.
    let minIsM: Bool
    /// log s (Eq. 5) in double precision: log 2 + log min(m, 1 − m) + log σ(s̃).
    let logWidth: Double
    /// The support's ends in z, F⁻¹(m − s/2) and F⁻¹(m + s/2), in double precision; ±∞ where the window
    /// reaches 0 or 1 (``TruncatedLogisticSampler/supportEnds(mTilde:sTilde:)``).
    let lower: Double, upper: Double
    /// log s, c and s/2 in single precision, for the fused kernel's forward (each an operation of its own
    /// in single precision, as the composed tape ops that the kernel is tested against compute them).
    let singlePrecision: (logWidth: Float, centre: Float, halfWidth: Float)

    init(mTilde: Float, sTilde: Float) {
        (self.mTilde, self.sTilde) = (mTilde, sTilde)
        (m, oneMinusM) = (Logistic.sigmoid(Double(mTilde)), Logistic.sigmoid(-Double(mTilde)))
        (sigmoidS, sigmoidMinusS) = (Logistic.sigmoid(Double(sTilde)), Logistic.sigmoid(-Double(sTilde)))
        let logM = Logistic.logSigmoid(mTilde), logOneMinusM = Logistic.logSigmoid(-mTilde)
        minIsM = logM <= logOneMinusM
        logWidth = Double.log(2) + Logistic.logSigmoid(minIsM ? Double(mTilde) : -Double(mTilde))
            + Logistic.logSigmoid(Double(sTilde))
        (lower, upper) = TruncatedLogisticSampler.supportEnds(mTilde: Double(mTilde), sTilde: Double(sTilde))
        let centre = Logistic.sigmoid((mTilde <= 0 ? 1 : -1) * mTilde)
        singlePrecision = (Swift.min(logM, logOneMinusM) + Logistic.logSigmoid(sTilde) + Float(Foundation.log(2.0)),
                           centre, centre * Logistic.sigmoid(sTilde))
    }

    /// The windows of `[K, D]` parameters, row-major.
    static func all(mTilde: Tensor, sTilde: Tensor) -> [TruncationWindow] {
        zip(mTilde.scalars, sTilde.scalars).map { TruncationWindow(mTilde: $0, sTilde: $1) }
    }

    /// Whether the centre lies in the lower half (m̃ ≤ 0, m ≤ 1/2): the window is then measured from 0 with
    /// c = m, otherwise from 1 with c = 1 − m.
    var lowerHalf: Bool { mTilde <= 0 }
    /// +1 in the lower half, −1 in the upper: σ(side·m̃) = c.
    var side: Float { lowerHalf ? 1 : -1 }
    /// c = min(m, 1 − m), taken as the half says.
    var centre: Double { lowerHalf ? m : oneMinusM }
    /// ∂log s/∂m̃ = ∂log min(m, 1 − m)/∂m̃: 1 − m where the minimum is m, −m otherwise.
    var dLogWidthDM: Double { minIsM ? oneMinusM : -m }
    /// dm/dm̃ = m(1 − m).
    var dMDMTilde: Double { m * oneMinusM }
}
