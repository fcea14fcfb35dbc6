/// A term whose gradient in the prior's parameters is an estimate of −∇ log Z (Eq. 9).
///
/// Z = E_p[1(z ∈ supp)], so ∇Z = E_p[1(z ∈ supp)·∇ log p(z)] = −E_p[1(z ∉ supp)·∇ log p(z)], since the score
/// has mean zero. With M draws z_i ~ p(z) held fixed and Ẑ their acceptance frequency, the term
/// (1 / (M·Ẑ)) Σ_{z_i ∉ supp} log p(z_i) has gradient (1/Ẑ)·(1/M) Σ_{z_i ∉ supp} ∇ log p(z_i) ≈ −∇ log Z.
///
/// Mind the sign: **adding** the term to a loss that is minimised maximises log Z (a penalty on the prior's
/// leak); Eq. 8's corrected bound ELBO − log Z, maximised, means **subtracting** it. `LeakTermTests` checks the
/// gradient against a finite difference of log Z by quadrature.
public enum LeakTerm {
    /// The term over `samples` prior draws, or nil when none falls outside (`inside` says whether a draw, a row
    /// of the prior's dimension, lies in the support). Ẑ is floored at 0.05 so that a prior that leaks almost
    /// everything cannot blow the term up.
    public static func negativeLogZ(prior: any Prior, samples m: Int, inside: (ArraySlice<Float>) -> Bool,
                                    on tape: Tape, using random: inout RandomSource) -> Var? {
        let n = prior.dimension
        let z = prior.sample(count: m, using: &random)
        var outside: [Float] = []
        for row in 0..<m {
            let values = z.scalars[(row * n)..<((row + 1) * n)]
            if !inside(values) { outside.append(contentsOf: values) }
        }
        let rejectedCount = outside.count / n
        guard rejectedCount > 0 else { return nil }
        let acceptance = Float(m - rejectedCount) / Float(m)
        let logP = prior.logDensity(tape.constant(Tensor(shape: [rejectedCount, n], scalars: outside)))
        return logP.sum() * (1 / (Float(m) * max(acceptance, 0.05)))
    }
}
