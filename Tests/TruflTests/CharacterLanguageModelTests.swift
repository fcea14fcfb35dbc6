import Foundation
import Testing
@testable import Trufl

/// Chapter 07's data path (checksums, the corpora's symbols, chunks) and models (the prior of Appendix C.3, the
/// LSTM baseline, TRUFL's log Z over a chunk).
@Suite struct CharacterDataTests {
    /// A data folder holding `files`, listed in its manifest with `listed` digests (the true ones by default).
    func folder(_ files: [String: String], listed: [String: String] = [:]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trufl-corpus-\(UUID().uuidString)")
        var list = "# test\n"
        for (name, text) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
            list += "\(listed[name] ?? SHA256.hex(Array(text.utf8)))  \(name)\n"
        }
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Data(list.utf8).write(to: url.appendingPathComponent(CorpusFiles.manifest))
        return url
    }

    @Test func aCheckedFileIsReadAndABadOneNamesTheFetchCommand() throws {
        let url = try folder(["ptb/ptb.test.txt": " a b \n", "ptb/ptb.valid.txt": "x\n"],
                             listed: ["ptb/ptb.valid.txt": String(repeating: "0", count: 64)])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try CorpusFiles.read("ptb/ptb.test.txt", in: url) == Array(" a b \n".utf8))
        for (name, words) in [("ptb/ptb.valid.txt", "corrupt"), ("ptb/ptb.train.txt", "lists no")] {
            do {
                _ = try CorpusFiles.read(name, in: url)
                Issue.record("\(name) was read")
            } catch {
                #expect("\(error)".contains(words) && "\(error)".contains("make data"), "\(error)")
            }
        }
        let empty = url.appendingPathComponent("nothing-here")
        #expect(throws: CorpusError.self) { try CorpusFiles.read("ptb/ptb.test.txt", in: empty) }
    }

    @Test func ptbSymbolsAreCharactersSpacesUnkAndTheEndOfALine() throws {
        let corpus = try CharacterCorpus.ptb(train: " the <unk> cat \n a n \n", validation: " a \n", test: " <unk> \n")
        let symbols = corpus.vocabulary.symbols
        #expect(symbols == ["\n", " ", "<unk>", "a", "c", "e", "h", "n", "t"])
        #expect(corpus.train.map { symbols[$0] } == ["t", "h", "e", " ", "<unk>", " ", "c", "a", "t", "\n", "a", " ", "n", "\n"])
        #expect(corpus.validation.map { symbols[$0] } == ["a", "\n"])
        #expect(corpus.test.map { symbols[$0] } == ["<unk>", "\n"])
        #expect(throws: CorpusError.self) { try CharacterCorpus.ptb(train: " a \n", validation: " b \n", test: " a \n") }
    }

    @Test func text8LikeSplitsNinetyFiveFive() throws {
        let text = String(repeating: "ab c", count: 50)   // 200 characters
        let corpus = try CharacterCorpus.text8Like(text, source: .text8StandIn)
        #expect(corpus.vocabulary.count == 27)
        #expect(corpus.train.count == 180 && corpus.validation.count == 10 && corpus.test.count == 10)
        #expect(Array(corpus.train.prefix(4)) == [1, 2, 0, 3])
        #expect(throws: CorpusError.self) { try CharacterCorpus.text8Like("ab1", source: .text8StandIn) }
    }

    @Test func chunksCoverTheirSliceAndNothingElse() {
        let stream = Array(0..<100)
        let chunks = CharacterChunks.consecutive(stream, length: 8, limit: 30)
        #expect(chunks == [Array(0..<8), Array(8..<16), Array(16..<24)])
        var random = RandomSource(seed: 3)
        let batch = CharacterChunks.randomBatch(stream, length: 8, batch: 200, limit: 30, using: &random)
        #expect(batch.shape == [200, 8])
        for row in 0..<200 {
            let piece = Array(batch.values[(row * 8)..<((row + 1) * 8)])
            #expect(piece.last! < 30 && piece == Array(piece[0]..<(piece[0] + 8)))
        }
        #expect(Set((0..<200).map { batch.values[$0 * 8] }).count > 15, "the offsets are not spread over the slice")
    }
}

@Suite struct CharacterModelTests {
    @Test func thePriorIsADensityOverTwoSteps() {
        // T = 2, D = 1: ∫∫ p(z_1, z_2) dz over a grid must be 1, which fails if h_2 could see z_2 (or h_1 see z_1).
        var random = RandomSource(seed: 5)
        let prior = LSTMMADEPrior(dimensions: 1, hidden: 8, madeHidden: 8, mixtures: 3, random: &random)
        perturb(prior.parameters, scale: 0.5, seed: 6)
        let grid = stride(from: -30.0, to: 30.0, by: 0.1).map { Float($0) }
        var z = [Float]()
        for a in grid { for b in grid { z += [a, b] } }
        let tape = Tape()
        let logP = prior.logDensity(tape.constant(Tensor(shape: [grid.count * grid.count, 2, 1], scalars: z))).value.scalars
        let mass = logP.reduce(0.0) { $0 + Foundation.exp(Double($1)) } * 0.01
        #expect(abs(mass - 1) < 2e-3, "∫∫ p = \(mass)")
    }

    @Test func thePriorsGradientMatchesFiniteDifferences() {
        var random = RandomSource(seed: 7)
        let prior = LSTMMADEPrior(dimensions: 3, hidden: 6, madeHidden: 8, mixtures: 4, random: &random)
        perturb(prior.parameters, scale: 0.3, seed: 8)
        let z = Tensor.normal([2, 4, 3], using: &random)
        let result = checkGradients([z], parameters: prior.parameters, step: 1e-2, absolute: 2e-3, relative: 2e-2) { _, v in
            prior.logDensity(v[0])
        }
        #expect(result.passed, "\(result)")
    }

    @Test func theBaselineLearnsAPeriodicText() {
        // "abcde" repeated: after the first character of a chunk everything is determined.
        let stream = (0..<2000).map { $0 % 5 }
        var random = RandomSource(seed: 9)
        let model = LSTMSoftmaxModel(categories: 5, embedding: 8, hidden: 16, random: &random)
        let adam = Adam(model.parameters, learningRate: 1e-2)
        for _ in 0..<300 {
            let batch = CharacterChunks.randomBatch(stream, length: 16, batch: 8, using: &random)
            let loss = -model.logLikelihood(batch, on: Tape()).mean()
            loss.backward()
            adam.step()
            model.parameters.zeroGradients()
        }
        let test = CategoryBatch(rows: CharacterChunks.consecutive(stream, length: 16, limit: 160))
        let nats = -model.logLikelihood(test, on: Tape()).value.scalars.reduce(0, +) / Float(160)
        // The first character of each chunk costs log 5 (1/16 of them): about 0.1 nats per character at best.
        #expect(nats < 0.2, "\(nats) nats per character")
    }

    @Test func theTestSetEstimatesAreOrderedAndArgmaxReconstructsExactly() {
        // Per chunk, log-mean-exp of the S weights ≥ their mean (the ELBO): the sums keep that order. The Argmax
        // flow's supports are disjoint orthants, so its hard decoder is deterministic: reconstruction exactly 0.
        let chunks = [[0, 1, 2, 3, 4, 0, 1, 2], [4, 3, 2, 1, 0, 4, 3, 2], [1, 1, 2, 2, 3, 3, 4, 4]]
        let marginal = EmpiricalMarginal(counting: chunks.flatMap { $0 }, categories: 5)
        for kind in [CharacterModelKind.catnf, .argmax, .trufl] {
            var random = RandomSource(seed: 21)
            let model = LatentLanguageModel(kind: kind, categories: 5, dimensions: 2, marginal: marginal, hidden: 8,
                                             madeHidden: 8, mixtures: 2, random: &random)
            let result = model.evaluate(chunks, samples: 4, batchSize: 2, using: &random)
            let elbo = result.reconstruction + result.priorMinusPosterior
            #expect(result.characters == 24 && result.samples == 4)
            #expect(result.importanceSampled.isFinite && result.importanceSampled >= elbo - 1e-9, "\(kind): IS \(result.importanceSampled), ELBO \(elbo)")
            #expect(result.reconstruction <= 0, "\(kind): reconstruction \(result.reconstruction)")
            if kind == .argmax { #expect(result.reconstruction == 0) }
            #expect(abs(result.bits(elbo) - (result.bits(result.reconstruction) + result.bits(result.priorMinusPosterior))) < 1e-12)
        }
    }

    @Test func theSequentialLogZAgreesWithWholeChunkRejection() {
        // For a short chunk both estimate Z = P(every z_t in some support); whole-chunk rejection is the direct one.
        var random = RandomSource(seed: 11)
        let q = TRUFLDequantiser(categories: 3, dimensions: 2)
        q.mTilde.value = Tensor.normal([3, 2], scale: 0.3, using: &random)
        q.sTilde.value = Tensor(shape: [3, 2], repeating: 2)   // wide windows: Z well inside (0, 1)
        let prior = LSTMMADEPrior(dimensions: 2, hidden: 8, madeHidden: 8, mixtures: 2, random: &random)
        perturb(prior.parameters, scale: 0.3, seed: 12)
        let length = 3, draws = 4000
        var smcRandom = RandomSource(seed: 13)
        let mass = TruncatedPriorMass.estimate(prior: prior, dequantiser: q, length: length, particles: draws, using: &smcRandom)
        // Direct: draw whole chunks ancestrally, count those with every step inside a support.
        var directRandom = RandomSource(seed: 14)
        var inside = [Bool](repeating: true, count: draws)
        var previous = Tensor.zeros([draws, 2])
        var state = (Tensor.zeros([draws, 8]), Tensor.zeros([draws, 8]))
        for _ in 0..<length {
            let tape = Tape()
            let next = prior.lstm.step(tape.constant(previous), LSTM.State(hidden: tape.constant(state.0), cell: tape.constant(state.1)))
            state = (next.hidden.value, next.cell.value)
            previous = prior.sampleStep(context: state.0, using: &directRandom)
            let logQ = q.logDensities(tape.constant(previous), indicator: .hard).value
            for row in 0..<draws where !(0..<3).contains(where: { logQ.scalars[row * 3 + $0] > -.infinity }) { inside[row] = false }
        }
        let z = Double(inside.filter { $0 }.count) / Double(draws)
        let standardError = (z * (1 - z) / Double(draws)).squareRoot()
        #expect(z > 0.05 && z < 0.95, "the test needs a Z away from 0 and 1, got \(z) (SMC \(Foundation.exp(mass.logZ)))")
        // Both are unbiased with about the same spread: 4 standard errors of their difference.
        #expect(abs(Foundation.exp(mass.logZ) - z) < 4 * 2.0.squareRoot() * standardError, "SMC \(Foundation.exp(mass.logZ)), direct \(z) ± \(standardError)")
    }
}
