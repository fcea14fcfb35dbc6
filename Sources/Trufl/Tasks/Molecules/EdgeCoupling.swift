/// A mixture-of-logistics CDF coupling over the pairs' latents `z_E: [pairs, D_E]` of a batch of molecules: the
/// latent dimensions split in two halves; a ``RelationalEdgeNetwork`` reads the atoms' latents and every pair's
/// conditioning half and outputs, per pair, the ``MixtureCDFTransform`` of its other half. The edge step's
/// counterpart of ``GraphMixtureCoupling`` (whose conditioner sees nodes only).
public struct EdgeCoupling: Layer {
    let split: CouplingSplit
    public let mixtures: Int
    public let network: RelationalEdgeNetwork

    public init(atomLatents: Int, pairLatents: Int, parity: Int, mixtures: Int, hidden: Int, layers: Int,
                activation: Activation = .relu, name: String, random: inout RandomSource) {
        guard pairLatents >= 2 else { fatalError("EdgeCoupling needs at least 2 latents per pair, got \(pairLatents)") }
        split = CouplingSplit(dimension: pairLatents, parity: parity)
        self.mixtures = mixtures
        network = RelationalEdgeNetwork(atomLatents: atomLatents, pairInputs: split.conditioning.count,
                                        outputs: split.transformed.count * MixtureCDFTransform.width(mixtures: mixtures),
                                        hidden: hidden, layers: layers, activation: activation, name: name, random: &random)
    }

    public var parameters: [Parameter] { network.parameters }

    func transform(_ conditioning: Var, atoms zV: Var, batch: MoleculeBatch) -> MixtureCDFTransform {
        MixtureCDFTransform(network(atoms: zV, pairs: conditioning, batch: batch), rows: conditioning.shape[0],
                            transformed: split.transformed.count, mixtures: mixtures)
    }

    /// `z_E: [pairs, D_E]` → (`u`, log|det| per pair `[pairs]`), given the atoms' latents.
    public func forward(_ zE: Var, atoms zV: Var, batch: MoleculeBatch) -> (Var, Var) {
        let (a, b) = split.split(zE)
        let (u, logDet) = transform(a, atoms: zV, batch: batch).forward(b)
        return (split.merge(a, u), logDet)
    }

    /// `u: [pairs, D_E]` → z_E, inverting each pair's mixture CDF by bisection.
    public func inverse(_ u: Tensor, atoms zV: Tensor, batch: MoleculeBatch) -> Tensor {
        let (a, ub) = split.split(u)
        let tape = Tape()
        return split.merge(a, transform(tape.constant(a), atoms: tape.constant(zV), batch: batch).inverse(ub))
    }
}
