/// An autoregressive prior over the latent's N dimensions: p(z) = Π_n p(z_n | z_<n), each conditional a
/// mixture of logistics whose parameters a MADE computes in one pass (Appendix C.3, without the LSTM over
/// time: for a small latent the whole of z is one autoregressive sequence).
public struct AutoregressivePrior: Prior {
    public let dimension: Int
    public let mixtures: Int
    public let network: MADE

    public init(dimension: Int, mixtures: Int = 4, hidden: [Int] = [64, 64], activation: Activation = .relu,
                name: String = "prior", random: inout RandomSource) {
        self.dimension = dimension
        self.mixtures = mixtures
        network = MADE(dimension: dimension, hidden: hidden, outputsPerDimension: 3 * mixtures, activation: activation,
                       name: name, random: &random)
    }

    public var parameters: [Parameter] { network.parameters }

    /// The mixture parameters of every conditional, each `[batch, N, M]`.
    func mixtureParameters(_ z: Var) -> (logits: Var, means: Var, logScales: Var) {
        let out = network(z)
        let m = mixtures
        let (low, high) = MixtureOfLogistics.logScaleRange
        return (out.slice(axis: 2, 0..<m), out.slice(axis: 2, m..<(2 * m)), out.slice(axis: 2, (2 * m)..<(3 * m)).clamped(low, high))
    }

    public func logDensity(_ z: Var) -> Var {
        let z = z.reshaped([z.shape[0], dimension])
        let (logits, means, logScales) = mixtureParameters(z)
        return MixtureOfLogistics.logDensity(z, logits: logits, means: means, logScales: logScales).sum(axis: 1)
    }

    /// Ancestral sampling: dimension n is drawn from its conditional given the n already drawn
    /// (N passes of the MADE).
    public func sample(count: Int, using random: inout RandomSource) -> Tensor {
        var z = Tensor.zeros([count, dimension])
        for n in 0..<dimension {
            let tape = Tape()
            let (logits, means, logScales) = mixtureParameters(tape.constant(z))
            for row in 0..<count {
                let base = (row * dimension + n) * mixtures
                let weights = Array(logits.value.scalars[base..<(base + mixtures)])
                let component = Self.categorical(logits: weights, using: &random)
                let mean = Double(means.value.scalars[base + component])
                let scale = Double.exp(Double(logScales.value.scalars[base + component]))
                z.scalars[row * dimension + n] = Float(mean + scale * random.logistic())
            }
        }
        return z
    }

    /// One draw from a categorical distribution given unnormalised log-probabilities.
    static func categorical(logits: [Float], using random: inout RandomSource) -> Int {
        let largest = logits.max() ?? 0
        let weights = logits.map { Double.exp(Double($0 - largest)) }
        var u = random.uniform() * weights.reduce(0, +)
        for (k, w) in weights.enumerated() {
            u -= w
            if u <= 0 { return k }
        }
        return weights.count - 1
    }
}
