import RealModule

/// The standard logistic distribution in double precision, the base of every dequantiser here
/// (Section 3.1): density f(z) = σ(z)·σ(−z), CDF F(z) = σ(z), quantile F⁻¹(u) = log(u / (1 − u)).
///
/// Everything is computed in log space with `log(onePlus:)`, so tails far past ±30 stay finite.
public enum Logistic {
    /// log σ(z) = −softplus(−z).
    @inlinable public static func logSigmoid(_ z: Double) -> Double { -softplus(-z) }

    /// softplus(z) = log(1 + eᶻ), without overflow for large z.
    @inlinable public static func softplus(_ z: Double) -> Double {
        max(z, 0) + Double.log(onePlus: Double.exp(-abs(z)))
    }

    /// σ(z).
    @inlinable public static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + Double.exp(-z)) : Double.exp(z) / (1 + Double.exp(z))
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
