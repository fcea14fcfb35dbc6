/// The categories of a character-level corpus: each symbol (a character, or a word-like token such as PTB's
/// `<unk>`, kept as one symbol as CatNF does) and its number, in a fixed order (sorted), so that the same training
/// text always gives the same numbering.
public struct CharacterVocabulary: Sendable, Equatable {
    /// The symbols, by category number.
    public let symbols: [String]
    let index: [String: Int]

    /// The distinct symbols of `tokens`, sorted.
    public init<S: Sequence>(collecting tokens: S) where S.Element == String {
        self.init(symbols: Array(Set(tokens)).sorted())
    }

    public init(symbols: [String]) {
        guard Set(symbols).count == symbols.count else { fatalError("CharacterVocabulary: repeated symbols in \(symbols)") }
        self.symbols = symbols
        index = Dictionary(uniqueKeysWithValues: symbols.enumerated().map { ($1, $0) })
    }

    /// K.
    public var count: Int { symbols.count }

    /// The category of each token; a token outside the vocabulary is an error naming the split it came from.
    public func encode(_ tokens: [String], split: String) throws -> [Int] {
        try tokens.map { token in
            guard let k = index[token] else {
                throw CorpusError("the \(split) split has the symbol \(String(reflecting: token)), which the training split never uses")
            }
            return k
        }
    }

    /// A symbol as it reads in a table: the space and the end of a line spelled out.
    public func display(_ k: Int) -> String {
        switch symbols[k] {
        case " ": return "␣"
        case "\n": return "⏎"
        default: return symbols[k]
        }
    }
}
