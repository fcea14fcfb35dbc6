/// The evidence lower bound (Eq. 1) with the optimal decoder (Eq. 2), that is Eq. 3:
///
///     L(x) = E_{q(z|x)} [ log p(x|z) + log p(z) − log q(z|x) ],
///
/// estimated with one reparameterised draw per position, and split as the paper's Table 5 does into the
/// reconstruction E[log p(x|z)] and E[log p(z) − log q(z|x)].
public struct ELBOTerms {
    /// log p(x|z) = Σ_t log p(x_t|z_t), per example `[B]`.
    public let reconstruction: Var
    /// log p(z) − log q(z|x), per example `[B]`.
    public let priorMinusPosterior: Var
    /// The latent draw, `[B, D]` or `[B, T, D]`.
    public let z: Var

    /// The single-sample ELBO per example, `[B]` (nats).
    public var elbo: Var { reconstruction + priorMinusPosterior }

    /// The training loss, the batch mean of −(β·reconstruction + log p(z) − log q(z|x)). β > 1 is CatNF's
    /// warm-up weight on the reconstruction (CatNF's: decaying from 2 to 1; chapter 00, "Warm-up weight β"); β = 1 is the ELBO.
    public func loss(reconstructionWeight beta: Float = 1) -> Var {
        -((reconstruction * beta + priorMinusPosterior).mean())
    }
}

/// Eq. 3 for a batch of categories `[B]` or `[B, T]`: draws z ~ q(z|x) with `noise` (uniform, `[B·T, D]`),
/// decodes with Eq. 2 (`indicator` soft only for training TRUFL), and evaluates the prior on z.
public func evidenceLowerBound(_ x: CategoryBatch, dequantiser: some Dequantiser, prior: some LatentDensity,
                               marginal: EmpiricalMarginal, noise: Tensor, on tape: Tape,
                               indicator: SupportIndicator = .hard) -> ELBOTerms {
    let b = x.batchSize, t = x.length, d = dequantiser.dimensions
    let draw = dequantiser.sample(x.values, noise: noise, on: tape)
    let logLikelihood = dequantiser.logLikelihood(of: x.values, given: draw.z, marginal: marginal,
                                                  indicator: indicator, ownLogDensity: draw.logDensity)
    let zShape: Shape = x.shape.rank == 1 ? [b, d] : [b, t, d]
    let z = draw.z.reshaped(zShape)
    let reconstruction = logLikelihood.reshaped([b, t]).sum(axis: 1)
    let logQ = draw.logDensity.reshaped([b, t]).sum(axis: 1)
    return ELBOTerms(reconstruction: reconstruction, priorMinusPosterior: prior.logDensity(z) - logQ, z: z)
}

/// ``evidenceLowerBound(_:dequantiser:prior:marginal:noise:on:indicator:)`` with noise drawn from `random`.
public func evidenceLowerBound(_ x: CategoryBatch, dequantiser: some Dequantiser, prior: some LatentDensity,
                               marginal: EmpiricalMarginal, on tape: Tape, indicator: SupportIndicator = .hard,
                               using random: inout RandomSource) -> ELBOTerms {
    let noise = Tensor.uniform([x.values.count, dequantiser.dimensions], using: &random)
    return evidenceLowerBound(x, dequantiser: dequantiser, prior: prior, marginal: marginal, noise: noise,
                              on: tape, indicator: indicator)
}
