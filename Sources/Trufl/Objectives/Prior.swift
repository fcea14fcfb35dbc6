/// A prior p(z) over dequantised latents: z `[B, …, D]` → log p(z) per example, `[B]`.
/// Priors proper (flows, autoregressive models) come in later chapters; the objectives only need this.
public protocol Prior {
    func logDensity(_ z: Var) -> Var
}

/// The factorised standard logistic, log p(z) = Σ (log σ(z) + log σ(−z)) over every latent of an example.
public struct StandardLogisticPrior: Prior {
    public init() {}
    public func logDensity(_ z: Var) -> Var {
        logisticLogDensity(z).reshaped([z.shape[0], -1]).sum(axis: 1)
    }
}

/// A prior given by a closure (for experiments: e.g. the aggregate posterior Σ_x P(x) q(z|x)).
public struct ClosurePrior: Prior {
    let body: (Var) -> Var
    public init(_ body: @escaping (Var) -> Var) { self.body = body }
    public func logDensity(_ z: Var) -> Var { body(z) }
}
