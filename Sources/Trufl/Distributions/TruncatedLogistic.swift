import Foundation
import RealModule

/// The logistic truncated to an interval, TRUFL's dequantising distribution for one category and one
/// latent dimension (Section 3.1, Eq. 4–7), in double precision for analysis. The training engine's
/// tensor version computes the same equations.
///
/// The interval is written in CDF units: u = F(z) ∈ (m − s/2, m + s/2), a window of width `s` centred
/// on `m`. m = 1/2, s = 1 is the whole real line (CatNF's untruncated logistic).
public struct TruncatedLogistic: Sendable, Equatable {
    /// The window's centre in CDF units, in (0, 1).
    public var m: Double
    /// The window's width in CDF units, in (0, 2·min(m, 1 − m)].
    public var s: Double

    /// A truncation with centre `m` and width `s` in CDF units. Stops with a message unless
    /// 0 ≤ m − s/2 and m + s/2 ≤ 1 and s > 0.
    public init(m: Double, s: Double) {
        guard m > 0, m < 1, s > 0, m - s / 2 >= 0, m + s / 2 <= 1 else {
            fatalError("TruncatedLogistic needs 0 < m < 1, s > 0 and 0 ≤ m − s/2 < m + s/2 ≤ 1; got m = \(m), s = \(s)")
        }
        self.m = m
        self.s = s
    }

    /// Eq. 5: the unconstrained parameters m̃, s̃ ∈ ℝ that training moves,
    /// m = σ(m̃) and s = 2·min(m, 1 − m)·σ(s̃), so the window always lies inside (0, 1).
    public init(unconstrainedM mTilde: Double, unconstrainedS sTilde: Double) {
        let m = Logistic.sigmoid(mTilde)
        self.init(m: m, s: 2 * min(m, 1 - m) * Logistic.sigmoid(sTilde))
    }

    /// Eq. 5 inverted: the unconstrained parameters of this window, m̃ = logit(m) and
    /// s̃ = logit(s / (2·min(m, 1 − m))); s̃ is +∞ for the widest window, which Eq. 5 reaches only in the limit.
    public var unconstrained: (mTilde: Double, sTilde: Double) {
        let r = s / (2 * min(m, 1 - m))
        return (Foundation.log(m / (1 - m)), Foundation.log(r / (1 - r)))
    }

    /// The window's ends in CDF units.
    public var lowerU: Double { m - s / 2 }
    public var upperU: Double { m + s / 2 }

    /// The support in z: (F⁻¹(m − s/2), F⁻¹(m + s/2)), with ±∞ where the window reaches 0 or 1.
    public var support: ClosedRange<Double> {
        let lower = lowerU <= 0 ? -Double.infinity : Logistic.quantile(lowerU, complement: (1 - m) + s / 2)
        let upper = upperU >= 1 ? Double.infinity : Logistic.quantile(upperU, complement: (1 - m) - s / 2)
        return lower...upper
    }

    /// Eq. 6: z = F⁻¹(m + (u₀ − 1/2)·s) for u₀ ∈ (0, 1). The complement 1 − u is formed from 1 − m
    /// directly so that windows near u = 1 keep their precision.
    public func sample(_ u0: Double) -> Double {
        let offset = (u0 - 0.5) * s
        return Logistic.quantile(m + offset, complement: (1 - m) - offset)
    }

    /// One draw, with u₀ from `random`.
    public func sample(using random: inout RandomSource) -> Double { sample(random.uniform()) }

    /// Whether z lies in the support. Eq. 7 writes the test in CDF units, 0 < (F(z) − m)/s + 1/2 ≤ 1, but
    /// F(z) − m rounds to −m for z below about −37 (σ(z) is smaller than half an ulp of m), which would put
    /// the far tail of an untruncated logistic outside its own support. The same test is made in z, against
    /// the support's ends computed with exact complements. The ends themselves count as inside: a sample
    /// can round onto an end, and a single point carries no probability.
    public func contains(_ z: Double) -> Bool {
        let support = self.support
        return z >= support.lowerBound && z <= support.upperBound
    }

    /// Eq. 7: log f(z; m, s) = log σ(z) + log σ(−z) − log s inside the support, −∞ outside (never NaN).
    public func logDensity(_ z: Double) -> Double {
        guard !z.isNaN else { return .nan }
        guard contains(z) else { return -.infinity }
        return Logistic.logDensity(z) - Double.log(s)
    }

    /// The truncated CDF: (F(z) − (m − s/2)) / s, clamped to [0, 1].
    public func cdf(_ z: Double) -> Double {
        min(1, max(0, (Logistic.cdf(z) - lowerU) / s))
    }
}
