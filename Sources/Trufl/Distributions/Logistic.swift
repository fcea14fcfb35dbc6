import RealModule

/// The standard logistic distribution in double precision, the base of every dequantiser here
/// (Section 3.1): density f(z) = σ(z)·σ(−z), CDF F(z) = σ(z), quantile F⁻¹(u) = log(u / (1 − u)).
///
/// Everything is computed in log space with `log(onePlus:)`, so tails far past ±30 stay finite.
public enum Logistic {
    // σ, log σ and softplus for any real type (Float on the engine's scalar paths, Double for analysis): the
    // one scalar definition of each. The tape's elementwise ops compute the same functions eight lanes at a
    // time (``VectorMath``), where a polynomial replaces libm's exp and log1p.

    /// σ(z) = 1 / (1 + e⁻ᶻ), from e^{−|z|} so that neither branch overflows.
    @inlinable public static func sigmoid<T: Real>(_ z: T) -> T {
        if z >= 0 { return 1 / (1 + T.exp(-z)) }
        let e = T.exp(z)
        return e / (1 + e)
    }

    /// softplus(z) = log(1 + eᶻ) = max(z, 0) + log(1 + e^{−|z|}), without overflow for large z.
    @inlinable public static func softplus<T: Real>(_ z: T) -> T {
        Swift.max(z, 0) + T.log(onePlus: T.exp(-Swift.abs(z)))
    }

    /// log σ(z) = −softplus(−z) = min(z, 0) − log(1 + e^{−|z|}).
    @inlinable public static func logSigmoid<T: Real>(_ z: T) -> T {
        Swift.min(z, 0) - T.log(onePlus: T.exp(-Swift.abs(z)))
    }

    /// log f(z) = log σ(z) + log σ(−z).
    @inlinable public static func logDensity(_ z: Double) -> Double { logSigmoid(z) + logSigmoid(-z) }

    /// F(z) = σ(z).
    @inlinable public static func cdf(_ z: Double) -> Double { sigmoid(z) }

    /// F⁻¹(u) given u and 1 − u separately: near u = 1 the complement is passed exactly rather than
    /// computed as 1 − u, which would lose every digit.
    @inlinable public static func quantile(_ u: Double, complement: Double) -> Double {
        Double.log(u) - Double.log(complement)
    }

    /// F⁻¹(u) = log(u / (1 − u)).
    @inlinable public static func quantile(_ u: Double) -> Double { quantile(u, complement: 1 - u) }
}
