/// The categories of a word-level corpus: the word types of a training text plus an end-of-sentence symbol, numbered
/// by descending training frequency (ties in byte order), so that the same training text always gives the same
/// numbering and the frequent words come first.
///
/// On the Mikolov Penn Treebank the training split has 9,999 word types, `<unk>` among them (every rarer word was
/// already replaced by it there), and no end-of-sentence symbol: one line is one sentence. Adding ``endOfSentence``
/// after every sentence, as Kim et al. (2019) and the usual PTB readers do, gives the customary K = 10,000.
public struct WordVocabulary: Sendable, Equatable {
    /// The end-of-sentence symbol appended to every sentence (predicted and counted like any other word).
    public static let endOfSentence = "<eos>"
    /// The symbol that already stands for every out-of-vocabulary word in the Mikolov PTB.
    public static let unknown = "<unk>"

    /// The symbols, by category number.
    public let symbols: [String]
    /// How often each category occurs in the text the vocabulary was collected from (the end-of-sentence symbol once
    /// per sentence).
    public let counts: [Int]
    let index: [String: Int]

    /// The word types of `sentences` (each a list of words, without an end-of-sentence symbol) and ``endOfSentence``.
    public init(collecting sentences: [[String]]) {
        var counts: [String: Int] = [:]
        for sentence in sentences {
            for word in sentence {
                guard word != Self.endOfSentence else {
                    fatalError("WordVocabulary: the text already holds \(Self.endOfSentence), which this vocabulary adds")
                }
                counts[word, default: 0] += 1
            }
        }
        counts[Self.endOfSentence] = sentences.count
        let ordered = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        self.init(symbols: ordered.map(\.key), counts: ordered.map(\.value))
    }

    public init(symbols: [String], counts: [Int]) {
        guard Set(symbols).count == symbols.count else { fatalError("WordVocabulary: repeated symbols") }
        guard counts.count == symbols.count else { fatalError("WordVocabulary: \(counts.count) counts for \(symbols.count) symbols") }
        self.symbols = symbols
        self.counts = counts
        index = Dictionary(uniqueKeysWithValues: symbols.enumerated().map { ($1, $0) })
    }

    /// K.
    public var count: Int { symbols.count }

    /// The category of `word`, or nil for a word outside the vocabulary.
    public func category(of word: String) -> Int? { index[word] }

    /// The category of ``endOfSentence``.
    public var endOfSentenceCategory: Int { index[Self.endOfSentence]! }

    /// A sentence's categories followed by the end-of-sentence category; a word outside the vocabulary is an error
    /// naming the split and the line it came from.
    public func encode(_ words: [String], split: String, line: Int) throws -> [Int] {
        var out = try words.map { word -> Int in
            guard let k = index[word] else {
                throw CorpusError("line \(line) of the \(split) split has the word \(String(reflecting: word)), which the training split never uses")
            }
            return k
        }
        out.append(endOfSentenceCategory)
        return out
    }

    /// The words of `categories`, space-separated (for printing a sentence).
    public func decode(_ categories: [Int]) -> String { categories.map { symbols[$0] }.joined(separator: " ") }
}
