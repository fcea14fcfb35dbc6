/// A mixture of M logistics per element, the building block of the priors (Appendix C.3: each latent
/// dimension a mixture of logistics) and of the CDF couplings.
///
/// Parameters arrive as three tensors of the same shape `[..., M]`: unnormalised mixture `logits`,
/// `means` and `logScales`; `x` has the shape `[...]` (one value per mixture). Log space throughout.
public enum MixtureOfLogistics {
    /// Smallest and largest log-scale the mixtures may use (keeps densities finite while training).
    public static let logScaleRange: (Float, Float) = (-7, 5)

    /// The standardised values y_m = (x − μ_m)·e^(−log s_m), shape `[..., M]`.
    static func standardised(_ x: Var, means: Var, logScales: Var) -> Var {
        let expanded = x.reshaped(x.shape.dimensions + [1])
        return (expanded - means) * (-logScales).exp()
    }

    /// log Σ_m π_m · f((x − μ_m)/s_m)/s_m, shape `[...]`: one fused tape node (``MixtureDensityKernel``).
    public static func logDensity(_ x: Var, logits: Var, means: Var, logScales: Var) -> Var {
        MixtureDensityKernel.evaluate(x, logits: logits, means: means, logScales: logScales)
    }

    /// ``logDensity(_:logits:means:logScales:)`` composed from tape ops (the fused node's reference in the tests).
    static func logDensityComposed(_ x: Var, logits: Var, means: Var, logScales: Var) -> Var {
        let y = standardised(x, means: means, logScales: logScales)
        let last = logits.shape.rank - 1
        let components = y.logSigmoid() + (-y).logSigmoid() - logScales
        return (logits.logSoftmax(axis: last) + components).logSumExp(axis: last)
    }

    /// log F(x) and log(1 − F(x)) of the mixture's CDF, each shape `[...]`, both exact in the tails.
    public static func logCDF(_ x: Var, logits: Var, means: Var, logScales: Var) -> (lower: Var, upper: Var) {
        let y = standardised(x, means: means, logScales: logScales)
        let last = logits.shape.rank - 1
        let weights = logits.logSoftmax(axis: last)
        return ((weights + y.logSigmoid()).logSumExp(axis: last), (weights + (-y).logSigmoid()).logSumExp(axis: last))
    }

    /// The mixture's CDF at `x` for one element's parameters, in double precision (for bisection).
    public static func cdf(_ x: Double, logits: [Float], means: [Float], logScales: [Float]) -> Double {
        let largest = Double(logits.max() ?? 0)
        var total = 0.0, norm = 0.0
        for m in logits.indices {
            let weight = Double.exp(Double(logits[m]) - largest)
            norm += weight
            total += weight * Logistic.sigmoid((x - Double(means[m])) * Double.exp(-Double(logScales[m])))
        }
        return total / norm
    }

    /// The x at which the mixture's CDF equals `target` ∈ (0, 1), by bisection (the CDF is increasing);
    /// to double precision after 100 halvings of a bracket wide enough for every component's tails.
    public static func quantile(_ target: Double, logits: [Float], means: [Float], logScales: [Float]) -> Double {
        let spread = 60 * Double.exp(Double(logScales.max() ?? 0))
        var low = Double(means.min() ?? 0) - spread, high = Double(means.max() ?? 0) + spread
        for _ in 0..<100 {
            let middle = 0.5 * (low + high)
            if cdf(middle, logits: logits, means: means, logScales: logScales) < target { low = middle } else { high = middle }
        }
        return 0.5 * (low + high)
    }
}
