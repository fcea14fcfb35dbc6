/// What the ELBO's `log p(z)` term needs: a log-density per example, for z of shape `[batch, …]`
/// (an example's latents flattened in row-major order), returning `[batch]`.
public protocol LatentDensity {
    func logDensity(_ z: Var) -> Var
}

/// A prior p(z) over the flattened latent z of one example (`[batch, N]`, N = T·D): the density the
/// ELBO's `log p(z)` term asks for, and draws for sampling (Section 3.2, Algorithm 2).
public protocol Prior: LatentDensity, Layer {
    /// The latent size N this prior is over.
    var dimension: Int { get }
    /// log p(z) for each row of `z: [batch, N]` (or `[batch, T, D]`, flattened), shape `[batch]`,
    /// differentiable in z and the parameters.
    func logDensity(_ z: Var) -> Var
    /// `count` draws, shape `[count, N]`.
    func sample(count: Int, using random: inout RandomSource) -> Tensor
}

/// The factorised standard logistic, CatNF's base distribution: log p(z) = Σ_n log σ(z_n) + log σ(−z_n).
public struct StandardLogisticPrior: Prior {
    private let size: Int?

    /// Over N = `dimension` latents; without a dimension it gives densities only (for any latent shape).
    public init(dimension: Int? = nil) { size = dimension }

    public var dimension: Int {
        guard let size else { fatalError("StandardLogisticPrior: made without a dimension, so it cannot say its size or sample") }
        return size
    }

    public var parameters: [Parameter] { [] }

    public func logDensity(_ z: Var) -> Var {
        let flat = z.reshaped([z.shape[0], -1])
        return (flat.logSigmoid() + (-flat).logSigmoid()).sum(axis: 1)
    }

    public func sample(count: Int, using random: inout RandomSource) -> Tensor {
        Tensor.logistic([count, dimension], using: &random)
    }
}
