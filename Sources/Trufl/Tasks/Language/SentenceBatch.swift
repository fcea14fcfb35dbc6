/// A batch of sentences of different lengths (Table 4's data points), right-padded to the longest one.
///
/// Padding, not bucketing: a batch holds sentences of any lengths, `[B, T]` with T the longest, and every model
/// computes only what the real tokens need or masks the rest out, so that a padded position contributes nothing
/// to a loss, a metric or log Z:
///
/// - the dequantiser and the decoder of Eq. 2 (the K = 10,000 hot path) see the N real tokens only (``tokens``);
/// - the prior reads z as `[B, T, D]` with zeros at the padded positions (``padded(_:)``). Its LSTM is causal and the
///   padding comes after each sentence, so a real position's density is the one the sentence alone would get; the
///   padded positions' densities are replaced by exact zeros (``maskedSum(timeMajor:)``), with zero gradient;
/// - per-token quantities become per-sentence sums (``sentenceSums(_:)``) by placing them in `[B, T]` with exact
///   zeros at the padding, then summing each row in order: adding zeros changes no bit of a sum.
public struct SentenceBatch: Sendable, Equatable {
    /// The sentences, each a list of categories (the end-of-sentence category included).
    public let sentences: [[Int]]
    /// The longest sentence's length, T.
    public let length: Int

    public init(_ sentences: [[Int]]) {
        guard !sentences.isEmpty, sentences.allSatisfy({ !$0.isEmpty }) else {
            fatalError("SentenceBatch: needs at least one sentence, none of them empty")
        }
        self.sentences = sentences
        length = sentences.map(\.count).max()!
    }

    /// B.
    public var batchSize: Int { sentences.count }
    /// Each sentence's length.
    public var lengths: [Int] { sentences.map(\.count) }
    /// The real tokens, sentence after sentence (batch-major): N = Σ lengths.
    public var tokens: [Int] { sentences.flatMap { $0 } }
    /// Whether every sentence has the same length (no padding at all).
    public var isRectangular: Bool { sentences.allSatisfy { $0.count == length } }

    /// For each of the B·T batch-major positions, the index of its token in ``tokens``, or N for a padded one.
    var batchMajorSource: [Int] {
        let n = tokens.count
        var out = [Int](repeating: n, count: batchSize * length), next = 0
        for (row, sentence) in sentences.enumerated() {
            for t in sentence.indices { out[row * length + t] = next; next += 1 }
        }
        return out
    }

    /// Which of the T·B time-major positions hold a token: `[T, B]`.
    public var timeMajorMask: Mask {
        let b = batchSize
        var values = [Bool](repeating: false, count: length * b)
        for (row, sentence) in sentences.enumerated() { for t in sentence.indices { values[t * b + row] = true } }
        return Mask(shape: [length, b], values: values)
    }

    /// The time-major row (t·B + b) of each real position, time step after time step.
    public var timeMajorRows: [Int] {
        let real = timeMajorMask.values
        return real.indices.filter { real[$0] }
    }

    /// Per-token values `[N]` (in ``tokens``' order) → per-sentence sums `[B]`, exact zeros at the padding.
    public func sentenceSums(_ perToken: Var) -> Var {
        guard perToken.shape == [tokens.count] else { fatalError("SentenceBatch: \(perToken.shape) for \(tokens.count) tokens") }
        let zero = perToken.tape.constant(Tensor.zeros([1]))
        return Var.concat([perToken, zero], axis: 0).gather(rows: batchMajorSource).reshaped([batchSize, length]).sum(axis: 1)
    }

    /// The latents of the real tokens `[N, D]` as `[B, T, D]`, zeros at the padding.
    public func padded(_ z: Var) -> Var {
        guard z.shape.rank == 2, z.shape[0] == tokens.count else { fatalError("SentenceBatch: z \(z.shape) for \(tokens.count) tokens") }
        let d = z.shape[1]
        let zero = z.tape.constant(Tensor.zeros([1, d]))
        return Var.concat([z, zero], axis: 0).gather(rows: batchMajorSource).reshaped([batchSize, length, d])
    }

    /// Time-major per-position values `[T, B]` summed over each sentence's real positions: `[B]`.
    public func maskedSum(timeMajor values: Var) -> Var {
        guard values.shape == [length, batchSize] else { fatalError("SentenceBatch: \(values.shape) is not [\(length), \(batchSize)]") }
        return select(timeMajorMask, values, 0).sum(axis: 0)
    }

    /// Consecutive groups of at most `size` sentences, in order (the evaluation batches).
    public static func batches(_ sentences: [[Int]], size: Int) -> [SentenceBatch] {
        stride(from: 0, to: sentences.count, by: size).map { SentenceBatch(Array(sentences[$0..<min($0 + size, sentences.count)])) }
    }

    /// `size` sentences drawn uniformly with replacement from the first `limit` (all when nil): a training batch.
    public static func random(_ sentences: [[Int]], size: Int, limit: Int? = nil, using random: inout RandomSource) -> SentenceBatch {
        let usable = min(limit ?? sentences.count, sentences.count)
        guard usable >= 1 else { fatalError("SentenceBatch: no sentences to draw from") }
        return SentenceBatch((0..<size).map { _ in sentences[random.int(below: usable)] })
    }
}
