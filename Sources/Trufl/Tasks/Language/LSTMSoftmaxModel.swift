/// Table 3's baseline: an LSTM over the previous characters' embeddings with a softmax over the next one,
///
///     p(x) = Π_t softmax(W h_t + b)[x_t],    h_t = LSTM(e(x_1) … e(x_{t−1})),
///
/// the same LSTM size as the latent models' prior; a learned start embedding stands before the first character.
public struct LSTMSoftmaxModel: Layer {
    public let categories: Int
    /// `[K + 1, E]`: row K is the start symbol.
    public let embedding: Parameter
    public let lstm: LSTM
    public let output: Linear

    public init(categories: Int, embedding size: Int, hidden: Int, name: String = "baseline", random: inout RandomSource) {
        self.categories = categories
        embedding = Parameter(name: name + ".embedding", value: Tensor.normal([categories + 1, size], scale: 0.1, using: &random))
        lstm = LSTM(inputs: size, hidden: hidden, name: name + ".lstm", random: &random)
        output = Linear(hidden, categories, name: name + ".output", random: &random)
    }

    public var parameters: [Parameter] { [embedding] + lstm.parameters + output.parameters }

    /// log p(x) per chunk, in nats: `[B, T]` → `[B]`.
    public func logLikelihood(_ x: CategoryBatch, on tape: Tape) -> Var {
        let (b, t) = (x.batchSize, x.length)
        // Time-major inputs: the start symbol, then x_1 … x_{T−1}.
        var previous = [Int](repeating: categories, count: t * b)
        for row in 0..<b {
            for step in 1..<max(t, 1) { previous[step * b + row] = x.values[row * t + step - 1] }
        }
        let inputs = tape[embedding].gather(rows: previous).reshaped([t, b, embedding.shape[1]])
        let h = lstm(inputs).outputs.reshaped([t * b, lstm.hiddenSize])
        let logProbabilities = output(h).logSoftmax(axis: 1)                    // [T·B, K]
        var targets = [Int](repeating: 0, count: t * b)
        for row in 0..<b {
            for step in 0..<t { targets[step * b + row] = x.values[row * t + step] }
        }
        return logProbabilities.gather(lastAxis: targets).reshaped([t, b]).sum(axis: 0)
    }
}
