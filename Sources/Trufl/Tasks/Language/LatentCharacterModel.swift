import Foundation

/// The models of Table 3.
public enum CharacterModelKind: String, Sendable, Codable, CaseIterable {
    /// The LSTM with a softmax (``LSTMSoftmaxModel``).
    case lstm
    /// Dequantised by CatNF's logistic, by the binary Argmax flow, or by TRUFL, with the prior of Appendix C.3.
    case catnf, argmax, trufl

    /// The name in tables.
    public var displayName: String {
        switch self {
        case .lstm: return "LSTM"
        case .catnf: return "CatNF"
        case .argmax: return "Argmax flow"
        case .trufl: return "TRUFL"
        }
    }
}

/// A latent-variable character model: a dequantiser q(z_t|x_t) per character and the prior of Appendix C.3 over
/// the whole chunk's latents, decoded by Eq. 2 with the training marginal.
public final class LatentCharacterModel {
    public let kind: CharacterModelKind
    public let dequantiser: any Dequantiser
    public let prior: LSTMMADEPrior
    public let marginal: EmpiricalMarginal

    /// `dimensions` is D for CatNF and TRUFL; the binary Argmax flow takes ⌈log₂ K⌉ whatever it is given.
    public init(kind: CharacterModelKind, categories: Int, dimensions: Int, marginal: EmpiricalMarginal,
                hidden: Int, madeHidden: Int, mixtures: Int, random: inout RandomSource) {
        self.kind = kind
        self.marginal = marginal
        switch kind {
        case .catnf:
            // Asymmetric in the categories from the start (a symmetric start gives every category the same gradient).
            let q = CatNFDequantiser(categories: categories, dimensions: dimensions)
            q.flow!.drawShifts(using: &random)
            dequantiser = q
        case .argmax:
            let q = ArgmaxDequantiser(categories: categories, encoding: .binary)
            q.flow!.drawShifts(using: &random)
            dequantiser = q
        case .trufl:
            // Windows at random centres (m̃ ~ N(0, 1), chapter 05's random start), narrow enough (s̃ = −1:
            // s ≈ 0.54·min(m, 1 − m)) that most of the K boxes start apart.
            let q = TRUFLDequantiser(categories: categories, dimensions: dimensions)
            q.mTilde.value = Tensor.normal([categories, dimensions], using: &random)
            q.sTilde.value = Tensor(shape: [categories, dimensions], repeating: -1)
            dequantiser = q
        case .lstm:
            fatalError("LatentCharacterModel: the LSTM baseline has no latent (use LSTMSoftmaxModel)")
        }
        prior = LSTMMADEPrior(dimensions: dequantiser.dimensions, hidden: hidden, madeHidden: madeHidden,
                              mixtures: mixtures, random: &random)
    }

    public var parameters: [Parameter] { dequantiser.parameters + prior.parameters }

    /// Eq. 3 for a batch of chunks `[B, T]`, one reparameterised draw per character.
    public func elbo(_ x: CategoryBatch, on tape: Tape, indicator: SupportIndicator, using random: inout RandomSource) -> ELBOTerms {
        evidenceLowerBound(x, dequantiser: dequantiser, prior: prior, marginal: marginal, on: tape,
                           indicator: indicator, using: &random)
    }

    /// What the test set gets: per chunk, S draws z_s ~ q(z|x) with the hard decoder; the importance-sampled
    /// log p(x) (log-mean-exp of the S weights), and the ELBO and its two terms averaged over the draws. Sums over
    /// the chunks, in nats.
    public func evaluate(_ chunks: [[Int]], samples: Int, batchSize: Int, using random: inout RandomSource) -> LatentEvaluation {
        var total = LatentEvaluation(characters: chunks.count * (chunks.first?.count ?? 0), samples: samples)
        for batch in CharacterChunks.batches(chunks, size: batchSize) {
            var weights = [[Double]](repeating: [], count: batch.batchSize)
            for _ in 0..<samples {
                let tape = Tape()
                let terms = elbo(batch, on: tape, indicator: .hard, using: &random)
                let reconstruction = terms.reconstruction.value.scalars, rest = terms.priorMinusPosterior.value.scalars
                for i in 0..<batch.batchSize {
                    weights[i].append(Double(reconstruction[i]) + Double(rest[i]))
                    total.reconstruction += Double(reconstruction[i]) / Double(samples)
                    total.priorMinusPosterior += Double(rest[i]) / Double(samples)
                }
            }
            total.importanceSampled += weights.reduce(0) { $0 + logMeanExp($1) }
        }
        return total
    }

    /// Validation during training: the single-sample ELBO (hard decoder), nats summed over the chunks.
    public func validationELBO(_ chunks: [[Int]], batchSize: Int, using random: inout RandomSource) -> Double {
        CharacterChunks.batches(chunks, size: batchSize).reduce(0) { sum, batch in
            let tape = Tape()
            return sum + elbo(batch, on: tape, indicator: .hard, using: &random).elbo.value.scalars.reduce(0) { $0 + Double($1) }
        }
    }
}

/// Test-set sums of a latent model (nats), and the per-character bits derived from them.
public struct LatentEvaluation: Sendable, Codable {
    public var characters: Int
    public var samples: Int
    /// Σ over chunks of the importance-sampled log p(x).
    public var importanceSampled = 0.0
    /// Σ over chunks of E_q[log p(x|z)] and of E_q[log p(z) − log q(z|x)].
    public var reconstruction = 0.0
    public var priorMinusPosterior = 0.0

    /// Nats summed over chunks → bits per character.
    public func bits(_ nats: Double) -> Double { -nats / (Double(characters) * Foundation.log(2.0)) }
}
