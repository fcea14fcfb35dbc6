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
        logits.withUnsafeBufferPointer { l in
            means.withUnsafeBufferPointer { m in
                logScales.withUnsafeBufferPointer { s in quantile(target, logits: l, means: m, logScales: s) }
            }
        }
    }

    /// ``quantile(_:logits:means:logScales:)`` on one element's parameters where they lie (no arrays made): the
    /// bisection that the flows' inverses run for every latent of every sample, so the cost of sampling. Each
    /// component's weight e^(logit − largest), its mean and its inverse scale are computed once instead of at every
    /// halving (the same values: ``cdf(_:logits:means:logScales:)``'s operations in its order), and the halvings stop
    /// once one leaves the bracket unchanged, bit for bit, since every later one would then do the same. So the
    /// answer has the same bits as 100 halvings with ``cdf(_:logits:means:logScales:)``.
    public static func quantile(_ target: Double, logits: UnsafeBufferPointer<Float>, means: UnsafeBufferPointer<Float>,
                                logScales: UnsafeBufferPointer<Float>) -> Double {
        let count = logits.count
        guard means.count == count, logScales.count == count else {
            fatalError("MixtureOfLogistics.quantile: \(count) logits, \(means.count) means, \(logScales.count) log-scales")
        }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * Swift.max(count, 1)) { scratch in
            let weights = scratch.baseAddress!, centres = weights + count, inverseScales = centres + count
            let largest = Double(logits.max() ?? 0)
            var norm = 0.0
            for m in 0..<count {
                weights[m] = Double.exp(Double(logits[m]) - largest)
                norm += weights[m]
                centres[m] = Double(means[m])
                inverseScales[m] = Double.exp(-Double(logScales[m]))
            }
            let spread = 60 * Double.exp(Double(logScales.max() ?? 0))
            var low = Double(means.min() ?? 0) - spread, high = Double(means.max() ?? 0) + spread
            for _ in 0..<100 {
                let middle = 0.5 * (low + high)
                var total = 0.0
                for m in 0..<count { total += weights[m] * Logistic.sigmoid((middle - centres[m]) * inverseScales[m]) }
                if total / norm < target {
                    if middle.bitPattern == low.bitPattern { break }
                    low = middle
                } else {
                    if middle.bitPattern == high.bitPattern { break }
                    high = middle
                }
            }
            return 0.5 * (low + high)
        }
    }
}
