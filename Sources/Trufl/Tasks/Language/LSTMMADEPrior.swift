/// The language prior of Appendix C.3: autoregressive "in time" and "in hidden" (Ziegler & Rush's terms),
///
///     p(z) = Π_t Π_d p(z_{t,d} | z_{t,<d}, h_t),    h_t = LSTM(z_1 … z_{t−1}),
///
/// an LSTM over the latents of the previous characters, whose state conditions a MADE over the D latent dimensions
/// of the current one; each conditional is a mixture of logistics (4 in the paper). z is `[B, T, D]`.
public struct LSTMMADEPrior: LatentDensity, Layer {
    public let dimensions: Int
    public let mixtures: Int
    public let lstm: LSTM
    public let made: MADE

    public init(dimensions: Int, hidden: Int, madeHidden: Int, mixtures: Int = 4, name: String = "prior",
                random: inout RandomSource) {
        self.dimensions = dimensions
        self.mixtures = mixtures
        lstm = LSTM(inputs: dimensions, hidden: hidden, name: name + ".lstm", random: &random)
        made = MADE(dimension: dimensions, hidden: [madeHidden], outputsPerDimension: 3 * mixtures, contextSize: hidden,
                    activation: .relu, name: name + ".made", random: &random)
    }

    public var parameters: [Parameter] { lstm.parameters + made.parameters }

    /// log p(z) per example: z `[B, T, D]` → `[B]`.
    public func logDensity(_ z: Var) -> Var { positionLogDensities(z).sum(axis: 0) }

    /// log p(z) of a batch of sentences of different lengths, z `[B, T, D]` padded after each one
    /// (``SentenceBatch/padded(_:)``) → `[B]`: the padded positions' terms are left out.
    public func logDensity(_ z: Var, of batch: SentenceBatch) -> Var { batch.maskedSum(timeMajor: positionLogDensities(z)) }

    /// log p(z_t | z_<t) per position, time-major: z `[B, T, D]` → `[T, B]`.
    public func positionLogDensities(_ z: Var) -> Var {
        guard z.shape.rank == 3, z.shape[2] == dimensions else {
            fatalError("LSTMMADEPrior: z must be [batch, time, \(dimensions)], got \(z.shape)")
        }
        let (b, t, d) = (z.shape[0], z.shape[1], dimensions)
        let timeMajor = z.permuted([1, 0, 2])                                   // [T, B, D]
        // The LSTM reads z_{t−1} at step t (zeros at t = 0), so h_t sees only the past.
        let start = z.tape.constant(Tensor.zeros([1, b, d]))
        let inputs = t == 1 ? start : Var.concat([start, timeMajor.slice(axis: 0, 0..<(t - 1))], axis: 0)
        let h = lstm(inputs).outputs.reshaped([t * b, lstm.hiddenSize])
        let flat = timeMajor.reshaped([t * b, d])
        let (logits, means, logScales) = mixtureParameters(flat, context: h)
        let logDensity = MixtureOfLogistics.logDensity(flat, logits: logits, means: means, logScales: logScales)  // [T·B, D]
        return logDensity.reshaped([t, b, d]).sum(axis: 2)
    }

    /// The mixture parameters of every dimension of `z: [N, D]` given the LSTM's output `context: [N, hidden]`,
    /// each `[N, D, M]`.
    func mixtureParameters(_ z: Var, context: Var) -> (logits: Var, means: Var, logScales: Var) {
        let out = made(z, context: context)
        let m = mixtures
        let (low, high) = MixtureOfLogistics.logScaleRange
        return (out.slice(axis: 2, 0..<m), out.slice(axis: 2, m..<(2 * m)), out.slice(axis: 2, (2 * m)..<(3 * m)).clamped(low, high))
    }

    /// Draws z_t `[N, D]` given h_t `[N, hidden]`, one dimension after another (D passes of the MADE).
    public func sampleStep(context h: Tensor, using random: inout RandomSource) -> Tensor {
        let n = h.shape[0], d = dimensions, m = mixtures
        var z = Tensor.zeros([n, d])
        for dim in 0..<d {
            let tape = Tape()
            let (logits, means, logScales) = mixtureParameters(tape.constant(z), context: tape.constant(h))
            for row in 0..<n {
                let base = (row * d + dim) * m
                let component = AutoregressivePrior.categorical(logits: Array(logits.value.scalars[base..<(base + m)]), using: &random)
                let scale = Double.exp(Double(logScales.value.scalars[base + component]))
                z.scalars[row * d + dim] = Float(Double(means.value.scalars[base + component]) + scale * random.logistic())
            }
        }
        return z
    }
}
