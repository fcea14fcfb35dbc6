/// A mixture-of-logistics CDF coupling (Flow++, the coupling CatNF's priors use): each transformed
/// dimension goes through ``MixtureCDFTransform`` (a mixture's CDF, the logit, a scale and shift) whose
/// parameters an MLP computes from the conditioning half.
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
        network = MLP([split.conditioning.count] + hidden + [split.transformed.count * MixtureCDFTransform.width(mixtures: mixtures)],
                      activation: activation, name: name, random: &random)
    }

    public var parameters: [Parameter] { network.parameters }

    func transform(_ conditioning: Var) -> MixtureCDFTransform {
        MixtureCDFTransform(network(conditioning), rows: conditioning.shape[0], transformed: split.transformed.count,
                            mixtures: mixtures)
    }

    public func forward(_ z: Var) -> (Var, Var) {
        let (a, b) = split.split(z)
        let (u, logDet) = transform(a).forward(b)
        return (split.merge(a, u), logDet)
    }

    public func inverse(_ u: Tensor) -> Tensor {
        let (a, ub) = split.split(u)
        return split.merge(a, transform(Tape().constant(a)).inverse(ub))
    }
}
