/// Rejection sampling from the truncated prior (Section 3.2, Algorithm 2, Eq. 8–9).
///
/// TRUFL's dequantiser gives each category a bounded support, so some of the prior's mass can fall where
/// no category lives. Algorithm 2 redraws z ~ p(z) until every step z_t lies in the union of the supports;
/// the accepted draws follow p_trunc(z) = p(z)·1[z ∈ supp] / Z, and the acceptance frequency estimates
/// Z (Eq. 9). Since L − log Z is still a lower bound on log ∫ p(x|z) p_trunc(z) dz (Eq. 8), subtracting
/// log Z tightens the ELBO.
public struct RejectionSampler {
    public let prior: any Prior
    /// Latent dimensions per step t (D); the prior's dimension is T·D.
    public let latentsPerStep: Int
    /// Whether one step's z_t (D values) lies in the union of the categories' supports.
    public let inSupport: (ArraySlice<Float>) -> Bool

    public init(prior: any Prior, latentsPerStep: Int, inSupport: @escaping (ArraySlice<Float>) -> Bool) {
        guard latentsPerStep > 0, prior.dimension % latentsPerStep == 0 else {
            fatalError("RejectionSampler: the prior's dimension \(prior.dimension) is not a multiple of D = \(latentsPerStep)")
        }
        self.prior = prior
        self.latentsPerStep = latentsPerStep
        self.inSupport = inSupport
    }

    /// Whether every step of row `row` of `z` lies in the support (Algorithm 2's acceptance test).
    public func accepts(_ z: Tensor, row: Int) -> Bool {
        let n = prior.dimension
        let start = row * n
        for t in stride(from: 0, to: n, by: latentsPerStep) {
            if !inSupport(z.scalars[(start + t)..<(start + t + latentsPerStep)]) { return false }
        }
        return true
    }

    /// Algorithm 2: `count` draws from the truncated prior, drawing `batch` proposals at a time.
    /// Returns the accepted z (`[count, N]`) and the number of proposals it took.
    public func sample(count: Int, batch: Int = 256, maxProposals: Int = 10_000_000,
                       using random: inout RandomSource) -> (z: Tensor, proposals: Int) {
        let n = prior.dimension
        var accepted: [Float] = []
        accepted.reserveCapacity(count * n)
        var proposals = 0
        while accepted.count < count * n {
            guard proposals < maxProposals else {
                fatalError("RejectionSampler: \(proposals) proposals gave only \(accepted.count / n) of \(count) samples; the supports hold almost none of the prior's mass")
            }
            let z = prior.sample(count: batch, using: &random)
            proposals += batch
            for row in 0..<batch where accepted.count < count * n && accepts(z, row: row) {
                accepted.append(contentsOf: z.scalars[(row * n)..<((row + 1) * n)])
            }
        }
        return (Tensor(shape: [count, n], scalars: accepted), proposals)
    }

    /// Eq. 9: Z = P_{z ~ p}(z ∈ supp), estimated by the acceptance frequency of `draws` prior samples.
    public func estimateZ(draws: Int, batch: Int = 1024, using random: inout RandomSource) -> ZEstimate {
        var acceptedCount = 0, drawn = 0
        while drawn < draws {
            let size = min(batch, draws - drawn)
            let z = prior.sample(count: size, using: &random)
            for row in 0..<size where accepts(z, row: row) { acceptedCount += 1 }
            drawn += size
        }
        return ZEstimate(accepted: acceptedCount, draws: drawn)
    }
}

/// The acceptance frequency as an estimate of Z, with its binomial standard error.
public struct ZEstimate: Sendable, Equatable, Codable {
    public let accepted: Int
    public let draws: Int

    public var value: Double { Double(accepted) / Double(draws) }
    /// √(Z(1 − Z)/n).
    public var standardError: Double { (value * (1 - value) / Double(draws)).squareRoot() }
    /// log Z, the correction Eq. 8 subtracts from the ELBO.
    public var logZ: Double { Double.log(value) }
    /// The rejection rate, as the paper's Figure 3 plots it.
    public var rejectionRate: Double { 1 - value }
}
