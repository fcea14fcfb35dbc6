/// A mixture-of-logistics CDF coupling (Flow++, the coupling CatNF's priors use): each transformed
/// dimension goes through a mixture's CDF, the logit, and a scale and shift, all computed by an MLP from
/// the conditioning half:
///
///     u_b = logit(F_mix(z_b)) · e^a + c,   log|du_b/dz_b| = log f_mix(z_b) − log F − log(1 − F) + a.
///
/// The inverse undoes the affine step and the logit, then inverts the mixture CDF by bisection.
public struct MixtureLogisticCoupling: Flow {
    let split: CouplingSplit
    public let mixtures: Int
    public let network: MLP

    public init(dimension: Int, parity: Int, mixtures: Int = 4, hidden: [Int] = [64, 64], activation: Activation = .relu,
                name: String,
                random: inout RandomSource) {
        guard dimension >= 2 else { fatalError("MixtureLogisticCoupling needs at least 2 dimensions, got \(dimension)") }
        split = CouplingSplit(dimension: dimension, parity: parity)
        self.mixtures = mixtures
        network = MLP([split.conditioning.count] + hidden + [split.transformed.count * (3 * mixtures + 2)],
                      activation: activation, name: name, random: &random)
    }

    public var parameters: [Parameter] { network.parameters }

    /// Per transformed dimension: mixture logits, means, log-scales `[B, n, M]`, and the affine a, c `[B, n]`.
    func transformParameters(_ conditioning: Var) -> (Var, Var, Var, Var, Var) {
        let n = split.transformed.count, m = mixtures
        let out = network(conditioning).reshaped([conditioning.shape[0], n, 3 * m + 2])
        let (low, high) = MixtureOfLogistics.logScaleRange
        return (out.slice(axis: 2, 0..<m), out.slice(axis: 2, m..<(2 * m)),
                out.slice(axis: 2, (2 * m)..<(3 * m)).clamped(low, high),
                out.slice(axis: 2, (3 * m)..<(3 * m + 1)).reshaped([-1, n]).tanh(),
                out.slice(axis: 2, (3 * m + 1)..<(3 * m + 2)).reshaped([-1, n]))
    }

    public func forward(_ z: Var) -> (Var, Var) {
        let (a, b) = split.split(z)
        let (logits, means, logScales, scale, shift) = transformParameters(a)
        let (logF, logOneMinusF) = MixtureOfLogistics.logCDF(b, logits: logits, means: means, logScales: logScales)
        let logDensity = MixtureOfLogistics.logDensity(b, logits: logits, means: means, logScales: logScales)
        let u = (logF - logOneMinusF) * scale.exp() + shift
        let logDet = (logDensity - logF - logOneMinusF + scale).sum(axis: 1)
        return (split.merge(a, u), logDet)
    }

    public func inverse(_ u: Tensor) -> Tensor {
        let (a, ub) = split.split(u)
        let tape = Tape()
        let (logits, means, logScales, scale, shift) = transformParameters(tape.constant(a))
        let rows = u.shape[0], n = split.transformed.count, m = mixtures
        var b = Tensor.zeros([rows, n])
        for row in 0..<rows {
            for j in 0..<n {
                let e = row * n + j
                let t = Double(ub.scalars[e] - shift.value.scalars[e]) * Double.exp(-Double(scale.value.scalars[e]))
                let range = (e * m)..<(e * m + m)
                let target = Logistic.sigmoid(t)
                b.scalars[e] = Float(MixtureOfLogistics.quantile(
                    target, logits: Array(logits.value.scalars[range]), means: Array(means.value.scalars[range]),
                    logScales: Array(logScales.value.scalars[range])))
            }
        }
        return split.merge(a, b)
    }
}
