/// Fixed-length pieces of a character stream, the examples the models see. Every chunk is modelled on its own
/// (the LSTMs start from a zero state at its first character), for training and evaluation alike.
public enum CharacterChunks {
    /// The consecutive chunks of `length` covering the first `limit` characters of `stream` (all when nil), the
    /// remainder shorter than a chunk left out: the evaluation sets.
    public static func consecutive(_ stream: [Int], length: Int, limit: Int? = nil) -> [[Int]] {
        guard length >= 1 else { fatalError("CharacterChunks: length \(length) must be ≥ 1") }
        let count = min(limit ?? stream.count, stream.count) / length
        return (0..<count).map { Array(stream[($0 * length)..<(($0 + 1) * length)]) }
    }

    /// `batch` chunks of `length` starting at uniform random offsets within the first `limit` characters (the
    /// training batches: every offset, not only multiples of the length, so the model sees every context).
    public static func randomBatch(_ stream: [Int], length: Int, batch: Int, limit: Int? = nil,
                                   using random: inout RandomSource) -> CategoryBatch {
        let usable = min(limit ?? stream.count, stream.count)
        guard usable >= length else { fatalError("CharacterChunks: \(usable) characters hold no chunk of \(length)") }
        let rows = (0..<batch).map { _ -> [Int] in
            let start = random.int(below: usable - length + 1)
            return Array(stream[start..<(start + length)])
        }
        return CategoryBatch(rows: rows)
    }

    /// Consecutive groups of at most `size` chunks, as batches.
    public static func batches(_ chunks: [[Int]], size: Int) -> [CategoryBatch] {
        stride(from: 0, to: chunks.count, by: size).map { CategoryBatch(rows: Array(chunks[$0..<min($0 + size, chunks.count)])) }
    }
}
