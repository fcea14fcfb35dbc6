/// The elementwise transform both mixture-of-logistics couplings apply (Flow++):
///
///     u = logit(F_mix(z)) · e^a + c,   log|du/dz| = log f_mix(z) − log F − log(1 − F) + a,
///
/// with, per transformed element, M mixture logits, means and log-scales and the affine a (tanh-bounded)
/// and c, all read from a conditioner's output laid out as `[rows, n, 3M + 2]`.
struct MixtureCDFTransform {
    let logits: Var, means: Var, logScales: Var, scale: Var, shift: Var
    let mixtures: Int

    /// Per-element parameter count for M mixtures.
    static func width(mixtures: Int) -> Int { 3 * mixtures + 2 }

    /// Slices a conditioner's `[rows, n·(3M + 2)]` (or `[rows, n, 3M + 2]`) output into the parameters.
    init(_ output: Var, rows: Int, transformed n: Int, mixtures m: Int) {
        let out = output.reshaped([rows, n, Self.width(mixtures: m)])
        let (low, high) = MixtureOfLogistics.logScaleRange
        logits = out.slice(axis: 2, 0..<m)
        means = out.slice(axis: 2, m..<(2 * m))
        logScales = out.slice(axis: 2, (2 * m)..<(3 * m)).clamped(low, high)
        scale = out.slice(axis: 2, (3 * m)..<(3 * m + 1)).reshaped([rows, n]).tanh()
        shift = out.slice(axis: 2, (3 * m + 1)..<(3 * m + 2)).reshaped([rows, n])
        mixtures = m
    }

    /// `z: [rows, n]` → (`u: [rows, n]`, log|du/dz| per row `[rows]`).
    func forward(_ z: Var) -> (Var, Var) {
        let (logF, logOneMinusF) = MixtureOfLogistics.logCDF(z, logits: logits, means: means, logScales: logScales)
        let logDensity = MixtureOfLogistics.logDensity(z, logits: logits, means: means, logScales: logScales)
        let u = (logF - logOneMinusF) * scale.exp() + shift
        return (u, (logDensity - logF - logOneMinusF + scale).sum(axis: 1))
    }

    /// `u: [rows, n]` → z: undoes the affine step and the logit, then inverts each mixture CDF by bisection
    /// (``MixtureOfLogistics/quantile(_:logits:means:logScales:)``, on the parameters where they lie).
    func inverse(_ u: Tensor) -> Tensor {
        let m = mixtures
        var z = Tensor.zeros(u.shape)
        let logits = self.logits.value.scalars, means = self.means.value.scalars
        let logScales = self.logScales.value.scalars
        let shifts = shift.value.scalars, scales = scale.value.scalars
        logits.withUnsafeBufferPointer { logits in
            means.withUnsafeBufferPointer { means in
                logScales.withUnsafeBufferPointer { logScales in
                    for e in 0..<u.count {
                        let t = Double(u.scalars[e] - shifts[e]) * Double.exp(-Double(scales[e]))
                        let range = (e * m)..<(e * m + m)
                        z.scalars[e] = Float(MixtureOfLogistics.quantile(
                            Logistic.sigmoid(t), logits: UnsafeBufferPointer(rebasing: logits[range]),
                            means: UnsafeBufferPointer(rebasing: means[range]),
                            logScales: UnsafeBufferPointer(rebasing: logScales[range])))
                    }
                }
            }
        }
        return z
    }
}
