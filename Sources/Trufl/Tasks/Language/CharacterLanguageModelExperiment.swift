import Foundation

/// One cell of Table 3 (Section 5.3): a corpus, a model and a seed. Trains on random chunks of the training split
/// (with the validation curve every `evaluateEvery` steps), then scores the test chunks: the LSTM exactly, the
/// latent models by importance sampling, with the ELBO's terms and, for TRUFL, log Z and the corrected bound (chapter 07).
public enum CharacterLanguageModelExperiment: Experiment {
    public static let name = "character-lm"

    public struct Configuration: Codable, Sendable {
        public var corpus: CharacterCorpus.Source
        /// The first this many characters of each split (nil: all of it).
        public var trainCharacters: Int?, validationCharacters: Int?, testCharacters: Int?
        /// T, the characters per chunk.
        public var length: Int
        public var kind: CharacterModelKind
        /// D per character for CatNF and TRUFL (the binary Argmax flow uses ⌈log₂ K⌉).
        public var dimensions: Int
        /// The LSTM (prior or baseline), the MADE's hidden layer, logistics per dimension, the baseline's embedding.
        public var hidden: Int, madeHidden: Int, mixtures: Int, embedding: Int
        public var steps: Int, batchSize: Int
        public var learningRate: Float
        public var maxGradientNorm: Float
        /// β on the reconstruction decays from 2 to 1 with this half-life in steps (CatNF's warm-up).
        public var warmupHalfLife: Double
        /// TRUFL trains with the soft indicator at this temperature and is evaluated with the hard one.
        public var softTemperature: Float
        public var evaluateEvery: Int
        /// Draws per test chunk for the importance-sampled log p(x); particles for TRUFL's log Z.
        public var importanceSamples: Int, logZParticles: Int
        public var evaluationBatch: Int
        public var seed: Int
        /// The cell's random stream: `RandomSource(seed: rootSeed)` split by each of `streams`, then by `seed`.
        public var rootSeed: UInt64
        public var streams: [String]

        public init(corpus: CharacterCorpus.Source, trainCharacters: Int?, validationCharacters: Int?, testCharacters: Int?,
                    length: Int, kind: CharacterModelKind, dimensions: Int, hidden: Int, madeHidden: Int, mixtures: Int = 4,
                    embedding: Int, steps: Int, batchSize: Int, learningRate: Float, maxGradientNorm: Float = 1,
                    warmupHalfLife: Double, softTemperature: Float = 0.02, evaluateEvery: Int, importanceSamples: Int,
                    logZParticles: Int, evaluationBatch: Int = 64, seed: Int, rootSeed: UInt64, streams: [String]) {
            (self.corpus, self.trainCharacters, self.validationCharacters, self.testCharacters) = (corpus, trainCharacters, validationCharacters, testCharacters)
            (self.length, self.kind, self.dimensions) = (length, kind, dimensions)
            (self.hidden, self.madeHidden, self.mixtures, self.embedding) = (hidden, madeHidden, mixtures, embedding)
            (self.steps, self.batchSize, self.learningRate, self.maxGradientNorm) = (steps, batchSize, learningRate, maxGradientNorm)
            (self.warmupHalfLife, self.softTemperature, self.evaluateEvery) = (warmupHalfLife, softTemperature, evaluateEvery)
            (self.importanceSamples, self.logZParticles, self.evaluationBatch) = (importanceSamples, logZParticles, evaluationBatch)
            (self.seed, self.rootSeed, self.streams) = (seed, rootSeed, streams)
        }
    }

    public struct Result: Codable, Sendable {
        public var parameters: Int
        /// Latent dimensions per character (0 for the LSTM).
        public var latentDimensions: Int
        public var testCharacters: Int
        /// Test bits per character: exact for the LSTM, importance-sampled for the latent models.
        public var testBits: Double
        /// Latent models: the ELBO's bits and its two terms per character, −E[log p(x|z)] and E[log q(z|x) − log p(z)].
        public var elboBits: Double?, reconstructionBits: Double?, klBits: Double?
        /// TRUFL: log Z of a chunk (nats), and the importance-sampled bits corrected by it (Eq. 8).
        public var logZ: Double?, correctedBits: Double?
        /// The validation curve: bits per character (the LSTM's exact, the latent models' single-sample ELBO).
        public var curveSteps: [Int], curveBits: [Double]
        /// Steps skipped for a non-finite loss or gradient.
        public var skippedSteps: Int
    }

    public static func label(_ c: Configuration) -> String { "\(c.corpus == .ptb ? "ptb" : "text8") \(c.kind.rawValue) seed \(c.seed)" }

    public static func run(_ c: Configuration) -> Result {
        let corpus: CharacterCorpus
        do { corpus = try CharacterCorpus.load(c.corpus) } catch { fatalError("\(error)") }
        let random = c.streams.reduce(RandomSource(seed: c.rootSeed)) { $0.split($1) }.split(c.seed)
        var initRandom = random.split("init"), trainRandom = random.split("train"), evalRandom = random.split("evaluate")
        let validation = CharacterChunks.consecutive(corpus.validation, length: c.length, limit: c.validationCharacters)
        let test = CharacterChunks.consecutive(corpus.test, length: c.length, limit: c.testCharacters)
        let testCharacters = test.count * c.length
        let log2 = Foundation.log(2.0)
        let k = corpus.vocabulary.count

        if c.kind == .lstm {
            let model = LSTMSoftmaxModel(categories: k, embedding: c.embedding, hidden: c.hidden, random: &initRandom)
            func bits(_ chunks: [[Int]]) -> Double {
                let nats = CharacterChunks.batches(chunks, size: c.evaluationBatch).reduce(0.0) { sum, batch in
                    sum + model.logLikelihood(batch, on: Tape()).value.scalars.reduce(0) { $0 + Double($1) }
                }
                return -nats / (Double(chunks.count * c.length) * log2)
            }
            let (curve, skipped) = train(c, on: corpus.train, parameters: model.parameters, random: &trainRandom,
                                         validation: { bits(validation) }) { batch, _, tape, _ in
                -model.logLikelihood(batch, on: tape).mean() * (1 / Float(c.length))
            }
            return Result(parameters: model.parameters.scalarCount, latentDimensions: 0, testCharacters: testCharacters,
                          testBits: bits(test), curveSteps: curve.map(\.step), curveBits: curve.map(\.bits), skippedSteps: skipped)
        }

        // Eq. 2's marginal is counted on the whole training split (a slice may miss a rare symbol, whose P would be 0).
        let model = LatentLanguageModel(kind: c.kind, categories: k, dimensions: c.dimensions,
                                         marginal: corpus.marginal,
                                         hidden: c.hidden, madeHidden: c.madeHidden, mixtures: c.mixtures, random: &initRandom)
        let indicator: SupportIndicator = c.kind == .trufl ? .soft(temperature: c.softTemperature) : .hard
        var validationRandom = random.split("validation")
        let (curve, skipped) = train(c, on: corpus.train, parameters: model.parameters, random: &trainRandom, validation: {
            -model.validationELBO(validation, batchSize: c.evaluationBatch, using: &validationRandom) / (Double(validation.count * c.length) * log2)
        }) { batch, step, tape, random in
            model.elbo(batch, on: tape, indicator: indicator, using: &random)
                .loss(reconstructionWeight: reconstructionWarmupWeight(step: step, halfLife: c.warmupHalfLife)) * (1 / Float(c.length))
        }
        let evaluation = model.evaluate(test, samples: c.importanceSamples, batchSize: c.evaluationBatch, using: &evalRandom)
        var logZ: Double? = nil, corrected: Double? = nil
        if let q = model.dequantiser as? TRUFLDequantiser {
            var zRandom = random.split("log Z")
            let mass = TruncatedPriorMass.estimate(prior: model.prior, dequantiser: q, length: c.length,
                                                   particles: c.logZParticles, using: &zRandom)
            logZ = mass.logZ
            // Eq. 8: log p(x) under the truncated prior is the estimate minus log Z, for every chunk.
            corrected = evaluation.bits(evaluation.importanceSampled - Double(test.count) * mass.logZ)
        }
        return Result(parameters: model.parameters.scalarCount, latentDimensions: model.dequantiser.dimensions,
                      testCharacters: testCharacters, testBits: evaluation.bits(evaluation.importanceSampled),
                      elboBits: evaluation.bits(evaluation.reconstruction + evaluation.priorMinusPosterior),
                      reconstructionBits: evaluation.bits(evaluation.reconstruction),
                      klBits: evaluation.bits(evaluation.priorMinusPosterior), logZ: logZ, correctedBits: corrected,
                      curveSteps: curve.map(\.step), curveBits: curve.map(\.bits), skippedSteps: skipped)
    }

    /// Chapter 07's use of the shared loop (``LanguageModelTraining``): random chunks of the training slice of `stream`;
    /// `loss` is per character in nats, progress in bits per character.
    static func train(_ c: Configuration, on stream: [Int], parameters: [Parameter], random: inout RandomSource,
                      validation: () -> Double,
                      loss: (CategoryBatch, Int, Tape, inout RandomSource) -> Var) -> (curve: [(step: Int, bits: Double)], skipped: Int) {
        let training = LanguageModelTraining(label: label(c), steps: c.steps, learningRate: c.learningRate,
                                             maxGradientNorm: c.maxGradientNorm, evaluateEvery: c.evaluateEvery, unit: .bitsPerCharacter)
        let (curve, skipped) = training.run(parameters: parameters, random: &random, nextBatch: { batchRandom in
            CharacterChunks.randomBatch(stream, length: c.length, batch: c.batchSize, limit: c.trainCharacters, using: &batchRandom)
        }, validation: validation, loss: loss)
        return (curve.map { ($0.step, $0.value) }, skipped)
    }
}
