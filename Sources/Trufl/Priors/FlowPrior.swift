/// A normalising-flow prior: z passes through the flow layers to u, which has a factorised standard
/// logistic density (CatNF's logistic base): log p(z) = log p_base(u) + Σ_layers log|det ∂u/∂z|.
public struct FlowPrior: Prior {
    public let dimension: Int
    public let layers: [any Flow]
    let base: StandardLogisticPrior

    public init(dimension: Int, layers: [any Flow]) {
        self.dimension = dimension
        self.layers = layers
        base = StandardLogisticPrior(dimension: dimension)
    }

    /// `couplings` mixture-of-logistics couplings with alternating halves, each followed by an elementwise
    /// affine layer.
    public static func mixtureCouplings(dimension: Int, couplings: Int = 4, mixtures: Int = 4, hidden: [Int] = [64, 64],
                                        activation: Activation = .relu, name: String = "prior", random: inout RandomSource) -> FlowPrior {
        var layers: [any Flow] = []
        for i in 0..<couplings {
            layers.append(MixtureLogisticCoupling(dimension: dimension, parity: i % 2, mixtures: mixtures, hidden: hidden,
                                                  activation: activation, name: "\(name).coupling\(i)", random: &random))
            layers.append(ElementwiseAffine(dimension: dimension, name: "\(name).affine\(i)"))
        }
        return FlowPrior(dimension: dimension, layers: layers)
    }

    public var parameters: [Parameter] { layers.flatMap { $0.parameters } }

    /// z → u through every layer, with the summed log-determinant.
    public func forward(_ z: Var) -> (Var, Var) {
        let z = z.reshaped([z.shape[0], dimension])
        var u = z
        var logDet: Var? = nil
        for layer in layers {
            let (next, step) = layer.forward(u)
            u = next
            logDet = logDet.map { $0 + step } ?? step
        }
        return (u, logDet ?? (z * 0).sum(axis: 1))
    }

    public func logDensity(_ z: Var) -> Var {
        let (u, logDet) = forward(z)
        return base.logDensity(u) + logDet
    }

    public func inverse(_ u: Tensor) -> Tensor {
        layers.reversed().reduce(u) { $1.inverse($0) }
    }

    public func sample(count: Int, using random: inout RandomSource) -> Tensor {
        inverse(base.sample(count: count, using: &random))
    }
}
