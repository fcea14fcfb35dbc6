import Foundation
import Testing
@testable import Trufl

/// Chapter 08's models: sentences of different lengths padded into one batch (``SentenceBatch``) must score each
/// sentence as it scores alone, and the word-lm cell must be a function of its configuration.
@Suite struct WordLanguageModelTests {
    /// Sentences of 2, 5, 1 and 3 tokens over K = 7 categories.
    let sentences = [[3, 6], [0, 1, 2, 4, 6], [6], [5, 5, 6]]
    var marginal: EmpiricalMarginal { EmpiricalMarginal(counting: sentences.flatMap { $0 } + Array(0..<7), categories: 7) }

    func close(_ a: Float, _ b: Float, _ what: String) {
        // Alone and in a batch the LSTM's products have different batch widths; their rounding may differ.
        #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "\(what): batched \(a), alone \(b)")
    }

    @Test(arguments: [LanguageModelKind.catnf, .argmax, .trufl])
    func aPaddedBatchScoresEachSentenceAsItScoresAlone(kind: LanguageModelKind) {
        var start = RandomSource(seed: 31)
        let model = LatentLanguageModel(kind: kind, categories: 7, dimensions: 2, marginal: marginal, hidden: 8, madeHidden: 8,
                                        mixtures: 2, fusedArgmax: true, random: &start)
        perturb(model.prior.parameters, scale: 0.3, seed: 32)
        for indicator in [SupportIndicator.hard, .soft(temperature: 0.02)] {
            // The batch draws its noise token after token, sentence after sentence: the same stream, drawn for each
            // sentence alone in turn, gives each sentence the same noise.
            var batched = RandomSource(seed: 33), alone = RandomSource(seed: 33)
            let terms = model.elbo(SentenceBatch(sentences), on: Tape(), indicator: indicator, using: &batched)
            let d = model.dequantiser.dimensions   // 2, or ⌈log₂ 7⌉ = 3 for the binary Argmax flow
            #expect(terms.z.shape == [4, 5, d])
            for (i, sentence) in sentences.enumerated() {
                let single = model.elbo(SentenceBatch([sentence]), on: Tape(), indicator: indicator, using: &alone)
                close(terms.reconstruction.value.scalars[i], single.reconstruction.value.scalars[0], "\(kind) reconstruction \(i)")
                close(terms.priorMinusPosterior.value.scalars[i], single.priorMinusPosterior.value.scalars[0], "\(kind) KL \(i)")
                // The padding's latents are exactly zero.
                for t in sentence.count..<5 { #expect((0..<d).allSatisfy { terms.z.value.scalars[(i * 5 + t) * d + $0] == 0 }) }
            }
        }
    }

    @Test(arguments: [LanguageModelKind.catnf, .trufl])
    func aPaddedBatchsGradientIsTheSumOfTheSentencesGradients(kind: LanguageModelKind) {
        var start = RandomSource(seed: 41)
        let model = LatentLanguageModel(kind: kind, categories: 7, dimensions: 2, marginal: marginal, hidden: 8, madeHidden: 8,
                                        mixtures: 2, random: &start)
        perturb(model.prior.parameters, scale: 0.3, seed: 42)
        func gradients(_ batches: [SentenceBatch]) -> [Float] {
            var random = RandomSource(seed: 43)
            model.parameters.zeroGradients()
            for batch in batches { model.elbo(batch, on: Tape(), indicator: .soft(temperature: 0.1), using: &random).elbo.sum().backward() }
            defer { model.parameters.zeroGradients() }
            return model.parameters.flatMap { $0.grad.scalars }
        }
        let batched = gradients([SentenceBatch(sentences)]), alone = gradients(sentences.map { SentenceBatch([$0]) })
        #expect(batched.contains { $0 != 0 })
        for (a, b) in zip(batched, alone) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "batched \(a), alone \(b)") }
    }

    @Test func aBatchWithoutPaddingIsTheChunkComputationBitForBit() {
        // Adding the padding's exact zeros (here none) and the gathers change nothing: chapter 07's chunks and
        // chapter 08's sentences share one arithmetic.
        let rows = [[0, 1, 2, 6], [4, 4, 3, 6]]
        var start = RandomSource(seed: 51)
        let model = LatentLanguageModel(kind: .trufl, categories: 7, dimensions: 3, marginal: marginal, hidden: 8, madeHidden: 8,
                                        mixtures: 2, random: &start)
        var a = RandomSource(seed: 52), b = RandomSource(seed: 52)
        let chunk = model.elbo(CategoryBatch(rows: rows), on: Tape(), indicator: .hard, using: &a)
        let sentence = model.elbo(SentenceBatch(rows), on: Tape(), indicator: .hard, using: &b)
        #expect(chunk.reconstruction.value == sentence.reconstruction.value)
        #expect(chunk.priorMinusPosterior.value == sentence.priorMinusPosterior.value)
        let baseline = LSTMSoftmaxModel(categories: 7, embedding: 4, hidden: 8, random: &start)
        #expect(baseline.logLikelihood(CategoryBatch(rows: rows), on: Tape()).value == baseline.logLikelihood(SentenceBatch(rows), on: Tape()).value)
    }

    @Test func theBaselineScoresAPaddedSentenceAsItScoresItAlone() {
        var random = RandomSource(seed: 61)
        let model = LSTMSoftmaxModel(categories: 7, embedding: 4, hidden: 8, random: &random)
        perturb(model.parameters, scale: 0.3, seed: 62)
        let batched = model.logLikelihood(SentenceBatch(sentences), on: Tape()).value.scalars
        for (i, sentence) in sentences.enumerated() {
            close(batched[i], model.logLikelihood(SentenceBatch([sentence]), on: Tape()).value.scalars[0], "baseline \(i)")
        }
    }

    @Test func theMaskingOpsGradientsMatchFiniteDifferences() {
        // sentenceSums, padded and maskedSum are gathers, concatenations and selects: their composition's gradient.
        let batch = SentenceBatch(sentences)
        var random = RandomSource(seed: 71)
        let perToken = Tensor.normal([11], using: &random), z = Tensor.normal([11, 3], using: &random)
        let timeMajor = Tensor.normal([5, 4], using: &random)
        let result = checkGradients([perToken, z, timeMajor]) { _, v in
            batch.sentenceSums(v[0]) + batch.padded(v[1]).sum(axis: 2).sum(axis: 1) * 0.5 + batch.maskedSum(timeMajor: v[2])
        }
        #expect(result.passed, "\(result)")
        // The padding receives nothing: maskedSum's gradient is zero there.
        let tape = Tape()
        let leaf = tape.variable(timeMajor)
        batch.maskedSum(timeMajor: leaf).sum().backward()
        #expect(leaf.grad.scalars == batch.timeMajorMask.values.map { $0 ? 1 : 0 })
    }

    @Test func theSequentialLogZOfAShorterSentenceIsItsPrefix() {
        let mass = TruncatedPriorMass(logZ: log(0.5) + log(0.25), acceptance: [0.5, 0.25, 0], particles: 4)
        #expect(mass.logZ(length: 1) == log(0.5))
        #expect(mass.logZ(length: 2) == log(0.5) + log(0.25))
        #expect(mass.logZ(length: 3) == -.infinity)
    }

    @Test func theCellIsAFunctionOfItsConfiguration() throws {
        // A tiny cell on the real PTB words (the data cache that `make data` fills), run twice.
        guard (try? WordCorpus.load()) != nil else {
            Issue.record("PTB words are not in the data cache: run `make data`")
            return
        }
        let configuration = WordLanguageModelExperiment.Configuration(
            trainSentences: 200, validationSentences: 4, testSentences: 4, kind: .trufl, dimensions: 3, hidden: 8,
            madeHidden: 8, embedding: 4, steps: 3, batchSize: 4, learningRate: 1e-3, warmupHalfLife: 2, evaluateEvery: 2,
            importanceSamples: 2, logZParticles: 8, evaluationBatch: 4, wgsdSamples: 4, wgsdCategories: 30,
            figureWords: ["fly", "flew"], figureSamples: 6, tsneIterations: 20, tsnePerplexity: 3, tsneSeeds: [1],
            referencePairs: 5, distanceSamples: 3, seed: 1, rootSeed: 1, streams: ["test"])
        let first = try CellCoding.encoder.encode(WordLanguageModelExperiment.run(configuration))
        let second = try CellCoding.encoder.encode(WordLanguageModelExperiment.run(configuration))
        #expect(first == second)
        var other = configuration
        other.seed = 2
        #expect(try CellCoding.encoder.encode(WordLanguageModelExperiment.run(other)) != first)
    }
}
