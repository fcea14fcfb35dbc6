/// Table 3's and Table 4's baseline: an LSTM over the previous characters' embeddings with a softmax over the next one,
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
        let h = hiddenStates(x.values, batch: b, length: t, on: tape)
        let logProbabilities = output(h).logSoftmax(axis: 1)                    // [T·B, K]
        var targets = [Int](repeating: 0, count: t * b)
        for row in 0..<b {
            for step in 0..<t { targets[step * b + row] = x.values[row * t + step] }
        }
        return logProbabilities.gather(lastAxis: targets).reshaped([t, b]).sum(axis: 0)
    }

    /// log p(x) per sentence, in nats (the end-of-sentence symbol predicted like any word): `[B]`. The softmax over
    /// K is computed at the real positions only; their log-probabilities are placed in `[T, B]` with exact zeros at
    /// the padding and summed over time (``SentenceBatch``).
    public func logLikelihood(_ x: SentenceBatch, on tape: Tape) -> Var {
        let (b, t) = (x.batchSize, x.length)
        var padded = [Int](repeating: 0, count: b * t)
        for (row, sentence) in x.sentences.enumerated() { for (step, c) in sentence.enumerated() { padded[row * t + step] = c } }
        let h = hiddenStates(padded, batch: b, length: t, on: tape)
        let rows = x.timeMajorRows
        let logProbabilities = output(h.gather(rows: rows)).logSoftmax(axis: 1)  // [N, K], time-major order
        let targets = rows.map { padded[($0 % b) * t + $0 / b] }
        let perToken = logProbabilities.gather(lastAxis: targets)              // [N]
        // Back to [T·B] with zeros at the padding: row r of the time-major grid is token `slot[r]`, or N (zero).
        var slot = [Int](repeating: rows.count, count: t * b)
        for (i, r) in rows.enumerated() { slot[r] = i }
        let zero = tape.constant(Tensor.zeros([1]))
        return Var.concat([perToken, zero], axis: 0).gather(rows: slot).reshaped([t, b]).sum(axis: 0)
    }

    /// The LSTM's outputs `[T·B, hidden]` (time-major) for row-major inputs `[B, T]`: h_t reads the start symbol,
    /// then x_1 … x_{t−1}.
    func hiddenStates(_ values: [Int], batch b: Int, length t: Int, on tape: Tape) -> Var {
        var previous = [Int](repeating: categories, count: t * b)
        for row in 0..<b {
            for step in 1..<max(t, 1) { previous[step * b + row] = values[row * t + step - 1] }
        }
        let inputs = tape[embedding].gather(rows: previous).reshaped([t, b, embedding.shape[1]])
        return lstm(inputs).outputs.reshaped([t * b, lstm.hiddenSize])
    }
}
