/// The edge step of the molecule prior: log p(z_E | z_V), a flow over every pair's latents conditioned on the atoms'
/// latents through ``EdgeCoupling``s (each followed by an ``ElementwiseAffine``), on a factorised standard logistic
/// base, as ``GraphFlowPrior`` is for the nodes. log p is summed per molecule.
public struct EdgeFlowPrior: Layer {
    public let latentsPerPair: Int
    public let couplings: [EdgeCoupling]
    public let affines: [ElementwiseAffine]

    public init(atomLatents: Int, latentsPerPair: Int, couplings: Int, mixtures: Int, hidden: Int, layers: Int,
                activation: Activation = .relu, name: String = "edges", random: inout RandomSource) {
        self.latentsPerPair = latentsPerPair
        self.couplings = (0..<couplings).map {
            EdgeCoupling(atomLatents: atomLatents, pairLatents: latentsPerPair, parity: $0 % 2, mixtures: mixtures,
                         hidden: hidden, layers: layers, activation: activation, name: "\(name).coupling\($0)",
                         random: &random)
        }
        affines = (0..<couplings).map { ElementwiseAffine(dimension: latentsPerPair, name: "\(name).affine\($0)") }
    }

    public var parameters: [Parameter] { couplings.flatMap(\.parameters) + affines.flatMap(\.parameters) }

    /// log p(z_E | z_V) per molecule, `[molecules]`, for `z_E: [pairs, D_E]` and `z_V: [atoms, D_V]`.
    public func logDensity(_ zE: Var, atoms zV: Var, batch: MoleculeBatch) -> Var {
        var u = zE
        var logDet = (zE * 0).sum(axis: 1)
        for (coupling, affine) in zip(couplings, affines) {
            let (next, step) = coupling.forward(u, atoms: zV, batch: batch)
            let (scaled, affineStep) = affine.forward(next)
            u = scaled
            logDet = logDet + step + affineStep
        }
        let perPair = (u.logSigmoid() + (-u).logSigmoid()).sum(axis: 1) + logDet
        return perPair.reshaped([batch.pairCount, 1]).scatterAdd(rows: batch.moleculeOfPair, count: batch.moleculeCount)
            .reshaped([batch.moleculeCount])
    }

    /// One draw of z_E for every pair of the batch given the atoms' latents, `[pairs, D_E]`.
    public func sample(atoms zV: Tensor, batch: MoleculeBatch, using random: inout RandomSource) -> Tensor {
        var z = Tensor.logistic([batch.pairCount, latentsPerPair], using: &random)
        for (coupling, affine) in zip(couplings, affines).reversed() {
            z = coupling.inverse(affine.inverse(z), atoms: zV, batch: batch)
        }
        return z
    }
}
