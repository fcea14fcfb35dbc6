import Foundation
import Testing
@testable import Trufl

/// The word-level PTB corpus (one sentence per data point, K = 10,000 with the end-of-sentence symbol): its rules on
/// small texts whose answers are known, then on the real files, which `make unit-test` fetches first (`make data`);
/// without them that test fails with the command that fetches them, as chapter 09's ZINC tests do.
@Suite struct WordCorpusTests {
    @Test func theVocabularyIsOrderedByFrequencyAndEndsEverySentence() throws {
        let corpus = try WordCorpus.ptb(train: " the cat <unk> \n the dog \n", validation: " the <unk> \n", test: " dog \n")
        let symbols = corpus.vocabulary.symbols
        // the ×2, <eos> ×2, then the three words seen once in byte order (< sorts before letters).
        #expect(symbols == ["<eos>", "the", "<unk>", "cat", "dog"])
        #expect(corpus.vocabulary.counts == [2, 2, 1, 1, 1])
        #expect(corpus.train.map(corpus.vocabulary.decode) == ["the cat <unk> <eos>", "the dog <eos>"])
        #expect(corpus.validation.map(corpus.vocabulary.decode) == ["the <unk> <eos>"])
        #expect(corpus.test.map(corpus.vocabulary.decode) == ["dog <eos>"])
        #expect(corpus.vocabulary.endOfSentenceCategory == 0)
        #expect(WordCorpus.tokens(corpus.train) == 7)
        // P(x) over the seven training tokens: the 2/7, <eos> 2/7, the others 1/7.
        let p = corpus.marginal.logProbabilities.scalars.map { Foundation.exp(Double($0)) }
        for (got, want) in zip(p, [2.0, 2, 1, 1, 1].map { $0 / 7 }) { #expect(abs(got - want) < 1e-6) }
    }

    @Test func theLengthLimitDropsTheSameWayOnEverySplitAndKeepsTheVocabulary() throws {
        let train = " a b c \n a \n b b \n c c c c \n"
        let corpus = try WordCorpus.ptb(train: train, validation: " a b c \n a \n", test: " a b \n c c c \n", maximumWords: 2)
        #expect(corpus.dropped.train == 2 && corpus.dropped.validation == 1 && corpus.dropped.test == 1)
        #expect(corpus.train.map(corpus.vocabulary.decode) == ["a <eos>", "b b <eos>"])
        #expect(corpus.validation.map(corpus.vocabulary.decode) == ["a <eos>"])
        #expect(corpus.test.map(corpus.vocabulary.decode) == ["a b <eos>"])
        // c lives only in dropped training sentences: still a category (K does not depend on the limit), and P(x)
        // counts every training sentence: five c among ten words and four <eos>, P(c) = 5/14.
        #expect(corpus.vocabulary.count == 4)
        let c = try #require(corpus.vocabulary.category(of: "c"))
        #expect(corpus.unseen == [c])
        #expect(abs(Foundation.exp(Double(corpus.marginal.logProbabilities.scalars[c])) - 5.0 / 14) < 1e-6)
        #expect(corpus.unigramPerplexity(of: corpus.test).isFinite)
    }

    @Test func anUnknownWordOrAnEmptySplitIsAnErrorThatSaysWhere() throws {
        do {
            _ = try WordCorpus.ptb(train: " a \n", validation: " a \n\n a b \n", test: " a \n")
            Issue.record("a word outside the vocabulary was accepted")
        } catch {
            #expect("\(error)".contains("line 3 of the validation split") && "\(error)".contains("\"b\""), "\(error)")
        }
        #expect(throws: CorpusError.self) { try WordCorpus.ptb(train: " a \n", validation: " a a a \n", test: " a \n", maximumWords: 2) }
        #expect(throws: CorpusError.self) { try WordCorpus.ptb(train: " a \n", validation: " a \n", test: " a \n", maximumWords: 0) }
    }

    @Test func thePennTreebankHasTenThousandWordsAndTheLimitDropsWhatItSays() throws {
        let corpus = try WordCorpus.load()
        #expect(corpus.vocabulary.count == 10_000)
        #expect(corpus.vocabulary.category(of: WordVocabulary.unknown) != nil)
        #expect(corpus.maximumWords == 50)
        // Lines of more than 50 words (counted with awk on the three files): 344, 19 and 24 of 42,068, 3,370 and 3,761.
        #expect(corpus.dropped.train == 344 && corpus.dropped.validation == 19 && corpus.dropped.test == 24)
        #expect(corpus.train.count == 42_068 - 344 && corpus.validation.count == 3_370 - 19 && corpus.test.count == 3_761 - 24)
        let eos = corpus.vocabulary.endOfSentenceCategory
        for split in [corpus.train, corpus.validation, corpus.test] {
            #expect(split.allSatisfy { $0.count >= 2 && $0.count <= 51 && $0.last == eos && !$0.dropLast().contains(eos) })
        }
        // The words of Figure 4 are all in the vocabulary.
        for word in ["N", "two", "canada", "walk", "fly", "one", "three", "singapore", "walked", "flew"] {
            #expect(corpus.vocabulary.category(of: word) != nil, "\(word)")
        }
        // The first validation line read back from its categories.
        let text = String(decoding: try CorpusFiles.read("ptb/ptb.valid.txt"), as: UTF8.self)
        let firstLine = text.split(separator: "\n")[0].split(separator: " ").joined(separator: " ")
        #expect(corpus.vocabulary.decode(corpus.validation[0]) == firstLine + " <eos>")
        // Two words live only in sentences longer than the limit; the marginal still gives them their training counts.
        #expect(corpus.unseen.map { corpus.vocabulary.symbols[$0] }.sorted() == ["daewoo", "eurodollars"])
        // The unigram model's perplexity, the scale every Table 4 number should beat (688.99 on the kept validation
        // sentences and 640.42 on the kept test sentences, computed independently in Python from the same files).
        #expect(abs(corpus.unigramPerplexity(of: corpus.validation) - 688.99) < 0.01)
        #expect(abs(corpus.unigramPerplexity(of: corpus.test) - 640.42) < 0.01)
    }
}
