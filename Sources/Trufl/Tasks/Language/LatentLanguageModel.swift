import Foundation

/// A latent-variable language model (Tables 3 and 4): a dequantiser q(z_t|x_t) per token and the prior of
/// Appendix C.3 over the whole sequence's latents, decoded by Eq. 2 with the training marginal. Its data points are
/// fixed-length chunks of characters (``CategoryBatch``, chapter 07) or sentences of different lengths
/// (``SentenceBatch``, chapter 08); a model scores a sequence given its length, its prior being over T latents.
public final class LatentLanguageModel {
    public let kind: LanguageModelKind
    public let dequantiser: any Dequantiser
    public let prior: LSTMMADEPrior
    public let marginal: EmpiricalMarginal

    /// `dimensions` is D for CatNF and TRUFL; the binary Argmax flow takes ⌈log₂ K⌉ whatever it is given
    /// (``LanguageModelKind/startingDequantiser(categories:dimensions:fusedArgmax:truflStartWidth:random:)``).
    public init(kind: LanguageModelKind, categories: Int, dimensions: Int, marginal: EmpiricalMarginal,
                hidden: Int, madeHidden: Int, mixtures: Int, fusedArgmax: Bool = false, truflStartWidth: Float = -1,
                random: inout RandomSource) {
        self.kind = kind
        self.marginal = marginal
        dequantiser = kind.startingDequantiser(categories: categories, dimensions: dimensions, fusedArgmax: fusedArgmax,
                                               truflStartWidth: truflStartWidth, random: &random)
        prior = LSTMMADEPrior(dimensions: dequantiser.dimensions, hidden: hidden, madeHidden: madeHidden,
                              mixtures: mixtures, random: &random)
    }

    public var parameters: [Parameter] { dequantiser.parameters + prior.parameters }

    /// Eq. 3 for a batch of chunks `[B, T]`, one reparameterised draw per character.
    public func elbo(_ x: CategoryBatch, on tape: Tape, indicator: SupportIndicator, using random: inout RandomSource) -> ELBOTerms {
        evidenceLowerBound(x, dequantiser: dequantiser, prior: prior, marginal: marginal, on: tape,
                           indicator: indicator, using: &random)
    }

    /// Eq. 3 for a batch of sentences, one reparameterised draw per real token (the padding draws nothing and adds
    /// nothing: ``SentenceBatch``). `z` of the result is `[B, T, D]`, zeros at the padding.
    public func elbo(_ x: SentenceBatch, on tape: Tape, indicator: SupportIndicator, using random: inout RandomSource) -> ELBOTerms {
        let tokens = x.tokens
        let noise = Tensor.uniform([tokens.count, dequantiser.dimensions], using: &random)
        let draw = dequantiser.sample(tokens, noise: noise, on: tape)
        let logLikelihood = dequantiser.logLikelihood(of: tokens, given: draw.z, marginal: marginal,
                                                      indicator: indicator, ownLogDensity: draw.logDensity)
        let z = x.padded(draw.z)
        return ELBOTerms(reconstruction: x.sentenceSums(logLikelihood),
                         priorMinusPosterior: prior.logDensity(z, of: x) - x.sentenceSums(draw.logDensity), z: z)
    }

    /// What the test set gets: per chunk, S draws z_s ~ q(z|x) with the hard decoder; the importance-sampled
    /// log p(x) (log-mean-exp of the S weights), and the ELBO and its two terms averaged over the draws. Sums over
    /// the chunks, in nats.
    public func evaluate(_ chunks: [[Int]], samples: Int, batchSize: Int, using random: inout RandomSource) -> LatentEvaluation {
        evaluate(CharacterChunks.batches(chunks, size: batchSize), tokens: chunks.count * (chunks.first?.count ?? 0),
                 samples: samples, using: &random) { batch, random in elbo(batch, on: Tape(), indicator: .hard, using: &random) }
    }

    /// The same for sentences, in consecutive batches of `batchSize`.
    public func evaluate(sentences: [[Int]], samples: Int, batchSize: Int, using random: inout RandomSource) -> LatentEvaluation {
        evaluate(SentenceBatch.batches(sentences, size: batchSize), tokens: WordCorpus.tokens(sentences),
                 samples: samples, using: &random) { batch, random in elbo(batch, on: Tape(), indicator: .hard, using: &random) }
    }

    /// The importance-sampled evaluation over batches of either kind; `elbo` gives one draw's terms of a batch.
    func evaluate<Batch>(_ batches: [Batch], tokens: Int, samples: Int, using random: inout RandomSource,
                         elbo: (Batch, inout RandomSource) -> ELBOTerms) -> LatentEvaluation {
        var total = LatentEvaluation(characters: tokens, samples: samples)
        for batch in batches {
            var weights: [[Double]] = []
            for _ in 0..<samples {
                let terms = elbo(batch, &random)
                let reconstruction = terms.reconstruction.value.scalars, rest = terms.priorMinusPosterior.value.scalars
                if weights.isEmpty { weights = [[Double]](repeating: [], count: reconstruction.count) }
                for i in 0..<reconstruction.count {
                    weights[i].append(Double(reconstruction[i]) + Double(rest[i]))
                    total.reconstruction += Double(reconstruction[i]) / Double(samples)
                    total.priorMinusPosterior += Double(rest[i]) / Double(samples)
                }
            }
            let estimates = weights.map(logMeanExp)
            total.importanceSampled += estimates.reduce(0, +)
            total.perSequence += estimates
        }
        return total
    }

    /// Validation during training: the single-sample ELBO (hard decoder), nats summed over the chunks.
    public func validationELBO(_ chunks: [[Int]], batchSize: Int, using random: inout RandomSource) -> Double {
        validationELBO(CharacterChunks.batches(chunks, size: batchSize), using: &random) { elbo($0, on: $1, indicator: .hard, using: &$2) }
    }

    /// The same for sentences.
    public func validationELBO(sentences: [[Int]], batchSize: Int, using random: inout RandomSource) -> Double {
        validationELBO(SentenceBatch.batches(sentences, size: batchSize), using: &random) { elbo($0, on: $1, indicator: .hard, using: &$2) }
    }

    func validationELBO<Batch>(_ batches: [Batch], using random: inout RandomSource,
                               elbo: (Batch, Tape, inout RandomSource) -> ELBOTerms) -> Double {
        batches.reduce(0) { sum, batch in
            sum + elbo(batch, Tape(), &random).elbo.value.scalars.reduce(0) { $0 + Double($1) }
        }
    }
}

/// Test-set sums of a latent model (nats), and the per-token bits derived from them.
public struct LatentEvaluation: Sendable, Codable {
    /// The tokens (characters, or words and end-of-sentence symbols) scored.
    public var characters: Int
    public var samples: Int
    /// Σ over sequences of the importance-sampled log p(x).
    public var importanceSampled = 0.0
    /// Σ over sequences of E_q[log p(x|z)] and of E_q[log p(z) − log q(z|x)].
    public var reconstruction = 0.0
    public var priorMinusPosterior = 0.0
    /// Each sequence's importance-sampled log p(x), in order.
    public var perSequence: [Double] = []

    /// Nats summed over sequences → bits per character.
    public func bits(_ nats: Double) -> Double { -nats / (Double(characters) * Foundation.log(2.0)) }
}
