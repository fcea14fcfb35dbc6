/// A latent density given by a closure (for experiments: e.g. the aggregate posterior Σ_x P(x) q(z|x),
/// the best prior a dequantiser can have).
public struct ClosurePrior: LatentDensity {
    let body: (Var) -> Var
    public init(_ body: @escaping (Var) -> Var) { self.body = body }
    public func logDensity(_ z: Var) -> Var { body(z) }
}
