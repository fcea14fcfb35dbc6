import Foundation

/// One cell of Table 4 (Section 5.3): a model and a seed on PTB words, one sentence per data point. Trains on random
/// batches of training sentences (padded: ``SentenceBatch``), with the validation curve every `evaluateEvery` steps,
/// then scores the test sentences: the LSTM exactly, the latent models by importance sampling, with the ELBO's terms
/// and, for TRUFL, log Z and the corrected bound; then, for the latent models, Section 5.3's within-group standard
/// deviation, Figure 4's t-SNE of the chosen words' draws, and their distances in the latent space (chapter 08).
public enum WordLanguageModelExperiment: Experiment {
    public static let name = "word-lm"

    public struct Configuration: Codable, Sendable {
        /// The sentence-length limit in words (``WordCorpus``).
        public var maximumWords: Int
        /// The first this many kept sentences of each split (nil: all).
        public var trainSentences: Int?, validationSentences: Int?, testSentences: Int?
        public var kind: LanguageModelKind
        /// D per word for CatNF and TRUFL (the binary Argmax flow uses ⌈log₂ K⌉ = 14).
        public var dimensions: Int
        /// TRUFL's starting window width s̃ (chapter 07's −1 leaves the 10,000 boxes covering almost none of ℝ¹²).
        public var truflStartWidth: Float
        /// The LSTM (prior or baseline), the MADE's hidden layer, logistics per dimension, the baseline's embedding.
        public var hidden: Int, madeHidden: Int, mixtures: Int, embedding: Int
        public var steps: Int, batchSize: Int
        public var learningRate: Float, maxGradientNorm: Float
        /// β on the reconstruction decays from 2 to 1 with this half-life in steps (CatNF's warm-up).
        public var warmupHalfLife: Double
        /// TRUFL trains with the soft indicator at this temperature and is evaluated with the hard one.
        public var softTemperature: Float
        public var evaluateEvery: Int
        /// Draws per test sentence for the importance-sampled log p(x); particles for TRUFL's log Z.
        public var importanceSamples: Int, logZParticles: Int
        public var evaluationBatch: Int
        /// Within-group standard deviation: draws per category, over the `wgsdCategories` most frequent (nil: all K).
        public var wgsdSamples: Int, wgsdCategories: Int?
        /// Figure 4: the words, draws per word, t-SNE's iterations, perplexity and seeds; random pairs for the distances.
        public var figureWords: [String], figureSamples: Int, tsneIterations: Int, tsnePerplexity: Double, tsneSeeds: [Int]
        public var referencePairs: Int, distanceSamples: Int
        public var seed: Int
        /// The cell's random stream: `RandomSource(seed: rootSeed)` split by each of `streams`, then by `seed`.
        public var rootSeed: UInt64
        public var streams: [String]

        public init(maximumWords: Int = WordCorpus.defaultMaximumWords, trainSentences: Int?, validationSentences: Int?,
                    testSentences: Int?, kind: LanguageModelKind, dimensions: Int, truflStartWidth: Float = -1, hidden: Int, madeHidden: Int,
                    mixtures: Int = 4, embedding: Int, steps: Int, batchSize: Int, learningRate: Float,
                    maxGradientNorm: Float = 1, warmupHalfLife: Double, softTemperature: Float = 0.02, evaluateEvery: Int,
                    importanceSamples: Int, logZParticles: Int, evaluationBatch: Int = 32, wgsdSamples: Int = 200,
                    wgsdCategories: Int?, figureWords: [String], figureSamples: Int, tsneIterations: Int = 1000,
                    tsnePerplexity: Double = 30, tsneSeeds: [Int], referencePairs: Int, distanceSamples: Int,
                    seed: Int, rootSeed: UInt64, streams: [String]) {
            (self.maximumWords, self.trainSentences, self.validationSentences, self.testSentences)
                = (maximumWords, trainSentences, validationSentences, testSentences)
            self.truflStartWidth = truflStartWidth
            (self.kind, self.dimensions, self.hidden, self.madeHidden, self.mixtures, self.embedding)
                = (kind, dimensions, hidden, madeHidden, mixtures, embedding)
            (self.steps, self.batchSize, self.learningRate, self.maxGradientNorm) = (steps, batchSize, learningRate, maxGradientNorm)
            (self.warmupHalfLife, self.softTemperature, self.evaluateEvery) = (warmupHalfLife, softTemperature, evaluateEvery)
            (self.importanceSamples, self.logZParticles, self.evaluationBatch) = (importanceSamples, logZParticles, evaluationBatch)
            (self.wgsdSamples, self.wgsdCategories) = (wgsdSamples, wgsdCategories)
            (self.figureWords, self.figureSamples, self.tsneIterations, self.tsnePerplexity, self.tsneSeeds)
                = (figureWords, figureSamples, tsneIterations, tsnePerplexity, tsneSeeds)
            (self.referencePairs, self.distanceSamples) = (referencePairs, distanceSamples)
            (self.seed, self.rootSeed, self.streams) = (seed, rootSeed, streams)
        }
    }

    /// One t-SNE embedding of Figure 4's draws: `[words × figureSamples × 2]`, word after word.
    public struct Embedding: Codable, Sendable {
        public var seed: Int
        public var points: [Double]
        public var divergence: Double
    }

    public struct Result: Codable, Sendable {
        public var parameters: Int
        /// Latent dimensions per word (0 for the LSTM).
        public var latentDimensions: Int
        /// Test sentences and tokens (words and end-of-sentence symbols).
        public var testSentences: Int, testTokens: Int
        /// Test NLL in nats per token: exact for the LSTM, importance-sampled for the latent models.
        public var testNLL: Double
        /// Latent models, nats per token: the ELBO's two terms, −E[log p(x|z)] and E[log q(z|x) − log p(z)].
        public var reconstruction: Double?, kl: Double?
        /// TRUFL: Σ over test sentences of log Z for the sentence's length (nats), and the NLL per token corrected by it (Eq. 8).
        public var logZ: Double?, correctedNLL: Double?
        /// TRUFL: the sequential Monte Carlo's acceptance rate at each step (it stops at a step that accepts nothing).
        public var logZAcceptance: [Double]?
        /// The validation curve in nats per token (the LSTM's exact, the latent models' single-sample −ELBO).
        public var curveSteps: [Int], curveNLL: [Double]
        public var skippedSteps: Int
        /// Latent models: the within-group standard deviation, Figure 4's embeddings, the latent distances.
        public var wgsd: Double?
        public var embeddings: [Embedding]?
        public var distances: LatentWordDistances?

        /// exp(NLL per token).
        public var perplexity: Double { Foundation.exp(testNLL) }
    }

    public static func label(_ c: Configuration) -> String { "words \(c.kind.rawValue) seed \(c.seed)" }

    public static func run(_ c: Configuration) -> Result {
        let corpus: WordCorpus
        do { corpus = try WordCorpus.load(maximumWords: c.maximumWords) } catch { fatalError("\(error)") }
        let random = c.streams.reduce(RandomSource(seed: c.rootSeed)) { $0.split($1) }.split(c.seed)
        var initRandom = random.split("init"), trainRandom = random.split("train"), evalRandom = random.split("evaluate")
        func first(_ split: [[Int]], _ limit: Int?) -> [[Int]] { Array(split.prefix(limit ?? split.count)) }
        let train = first(corpus.train, c.trainSentences)
        let validation = first(corpus.validation, c.validationSentences), test = first(corpus.test, c.testSentences)
        let testTokens = WordCorpus.tokens(test), validationTokens = Double(WordCorpus.tokens(validation))
        let k = corpus.vocabulary.count
        let training = LanguageModelTraining(label: label(c), steps: c.steps, learningRate: c.learningRate,
                                             maxGradientNorm: c.maxGradientNorm, evaluateEvery: c.evaluateEvery, unit: .nats)
        let nextBatch = { (r: inout RandomSource) in SentenceBatch.random(train, size: c.batchSize, using: &r) }

        if c.kind == .lstm {
            let model = LSTMSoftmaxModel(categories: k, embedding: c.embedding, hidden: c.hidden, random: &initRandom)
            func nats(_ sentences: [[Int]]) -> Double {
                SentenceBatch.batches(sentences, size: c.evaluationBatch).reduce(0.0) { sum, batch in
                    sum + model.logLikelihood(batch, on: Tape()).value.scalars.reduce(0) { $0 + Double($1) }
                }
            }
            let (curve, skipped) = training.run(parameters: model.parameters, random: &trainRandom, nextBatch: nextBatch,
                                                validation: { -nats(validation) / validationTokens }) { batch, _, tape, _ in
                // Per token: the batch's sentences' log-likelihoods summed, over its tokens.
                -model.logLikelihood(batch, on: tape).sum() * (1 / Float(batch.tokens.count))
            }
            return Result(parameters: model.parameters.scalarCount, latentDimensions: 0, testSentences: test.count,
                          testTokens: testTokens, testNLL: -nats(test) / Double(testTokens),
                          curveSteps: curve.map(\.step), curveNLL: curve.map(\.value), skippedSteps: skipped)
        }

        let model = LatentLanguageModel(kind: c.kind, categories: k, dimensions: c.dimensions, marginal: corpus.marginal,
                                        hidden: c.hidden, madeHidden: c.madeHidden, mixtures: c.mixtures,
                                        fusedArgmax: true, truflStartWidth: c.truflStartWidth, random: &initRandom)
        let indicator: SupportIndicator = c.kind == .trufl ? .soft(temperature: c.softTemperature) : .hard
        var validationRandom = random.split("validation")
        let (curve, skipped) = training.run(parameters: model.parameters, random: &trainRandom, nextBatch: nextBatch, validation: {
            -model.validationELBO(sentences: validation, batchSize: c.evaluationBatch, using: &validationRandom) / validationTokens
        }) { batch, step, tape, random in
            let terms = model.elbo(batch, on: tape, indicator: indicator, using: &random)
            let beta = reconstructionWarmupWeight(step: step, halfLife: c.warmupHalfLife)
            // Per token: −(β·reconstruction + log p(z) − log q(z|x)) summed over the batch, over its tokens.
            return -(terms.reconstruction * beta + terms.priorMinusPosterior).sum() * (1 / Float(batch.tokens.count))
        }
        var clock = StageClock(label(c))
        let evaluation = model.evaluate(sentences: test, samples: c.importanceSamples, batchSize: c.evaluationBatch, using: &evalRandom)
        clock.done("importance-sampled test NLL")
        var result = Result(parameters: model.parameters.scalarCount, latentDimensions: model.dequantiser.dimensions,
                            testSentences: test.count, testTokens: testTokens,
                            testNLL: -evaluation.importanceSampled / Double(testTokens),
                            reconstruction: -evaluation.reconstruction / Double(testTokens),
                            kl: -evaluation.priorMinusPosterior / Double(testTokens),
                            curveSteps: curve.map(\.step), curveNLL: curve.map(\.value), skippedSteps: skipped)
        if let q = model.dequantiser as? TRUFLDequantiser {
            var zRandom = random.split("log Z")
            let mass = TruncatedPriorMass.estimate(prior: model.prior, dequantiser: q, length: test.map(\.count).max()!,
                                                   particles: c.logZParticles, using: &zRandom)
            // Eq. 8, sentence by sentence: log p(x) under the truncated prior of its length is the estimate minus log Z_T.
            let logZ = test.reduce(0.0) { $0 + mass.logZ(length: $1.count) }
            result.logZ = logZ
            result.logZAcceptance = mass.acceptance
            result.correctedNLL = -(evaluation.importanceSampled - logZ) / Double(testTokens)
            clock.done("log Z")
        }
        var wgsdRandom = random.split("within-group standard deviation")
        let wgsdCategories = c.wgsdCategories.map { Array(0..<min($0, k)) }
        result.wgsd = WithinGroupStandardDeviation.evaluate(model.dequantiser, categories: wgsdCategories,
                                                            samples: c.wgsdSamples, using: &wgsdRandom).value
        clock.done("within-group standard deviation")
        let words = c.figureWords.map { word -> Int in
            guard let category = corpus.vocabulary.category(of: word) else {
                fatalError("WordLanguageModelExperiment: Figure 4's word \(String(reflecting: word)) is not in the vocabulary")
            }
            return category
        }
        var figureRandom = random.split("figure 4")
        let groups = WithinGroupStandardDeviation.samples(of: model.dequantiser, categories: words, samples: c.figureSamples,
                                                          using: &figureRandom)
        let points = groups.flatMap { $0 }
        clock.done("Figure 4's draws")
        result.embeddings = c.tsneSeeds.map { seed in
            var tsneRandom = random.split("t-SNE").split(seed)
            let embedding = TSNE(perplexity: c.tsnePerplexity, iterations: c.tsneIterations).embed(points, using: &tsneRandom)
            return Embedding(seed: seed, points: embedding.embedding, divergence: embedding.divergence)
        }
        clock.done("t-SNE")
        var distanceRandom = random.split("distances")
        result.distances = LatentWordDistances.measure(model.dequantiser, categories: words, marginal: corpus.marginal,
                                                       pairs: c.referencePairs, samples: c.distanceSamples, using: &distanceRandom)
        clock.done("latent distances")
        return result
    }
}
