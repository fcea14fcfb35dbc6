import Foundation

/// The three dequantisers of the toy experiments (Appendix C.1).
public enum ToyMethod: String, Sendable, CaseIterable, Codable {
    case catNF = "CatNF"
    case argmax = "Argmax"
    case trufl = "TRUFL"
}

/// Where TRUFL's windows start.
public enum TRUFLInitialisation: String, Sendable, Codable {
    /// m at the orthant positions (m = 1/4 or 3/4 by the bits of k's binary code), s̃ = 0 (s = 1/4): four
    /// disjoint boxes, one per quadrant.
    case orthants
    /// m̃ ~ N(0, 1) per category and dimension, s̃ = 0.
    case random
}

/// How one toy model is trained. The defaults are the recipe chapter 05 arrives at for TRUFL; CatNF and
/// Argmax ignore the TRUFL-only settings (their decoders have no edge to soften).
public struct ToyTraining: Sendable, Codable {
    public var method: ToyMethod
    public var steps: Int
    public var batchSize = 128
    /// Adam's rate, after a 100-step warm-up, decaying exponentially to `finalRateFraction` of it.
    public var learningRate: Float = 3e-3
    public var finalRateFraction: Float = 0.1
    public var maxGradientNorm: Float = 10
    /// D per variable (Argmax's binary code for K = 4 fixes it at 2).
    public var dimensions = 2
    /// The prior: an autoregressive mixture of logistics over all T·D latents (MADE), the same for every method.
    public var mixtures = 8
    public var hidden = [64, 64]
    /// β on the reconstruction decays from `betaStart` to 1 with half-life `betaHalfLife` × steps (CatNF's warm-up).
    public var betaStart: Float = 2
    public var betaHalfLife = 0.1
    /// TRUFL's decoder during training (evaluation is always hard).
    public var indicator: SupportIndicator = .soft(temperature: 0.02)
    /// Anneal a soft indicator's τ geometrically to this value by the last step (nil: keep τ).
    public var finalTemperature: Float? = nil
    /// Switch TRUFL's training decoder to the hard indicator after this fraction of the steps (nil: never).
    public var hardAfter: Double? = nil
    public var initialisation: TRUFLInitialisation = .orthants
    /// TRUFL's category-conditional scale and shift on top of the truncated logistic.
    public var flow = false
    /// The weight w of log Z (Eq. 9) in what the prior maximises, ELBO + w·log Z, through ``LeakTerm`` with
    /// `leakSamples` prior draws: 0 trains on the ELBO alone, 1 penalises the prior's leak, −1 trains on Eq. 8's
    /// corrected bound ELBO − log Z.
    public var leakWeight: Float = 0
    public var leakSamples = 256

    public init(method: ToyMethod, steps: Int) {
        self.method = method
        self.steps = steps
    }

    /// β at `step`.
    public func beta(at step: Int) -> Float {
        1 + (betaStart - 1) * Float(Foundation.pow(0.5, Double(step) / (betaHalfLife * Double(steps))))
    }

    /// TRUFL's training indicator at `step`.
    public func indicator(at step: Int) -> SupportIndicator {
        if let hardAfter, Double(step) >= hardAfter * Double(steps) { return .hard }
        guard case .soft(let tau) = indicator, let finalTemperature else { return indicator }
        let fraction = Double(step) / Double(max(steps - 1, 1))
        return .soft(temperature: Float(Double(tau) * Foundation.pow(Double(finalTemperature / tau), fraction)))
    }
}

/// A dequantiser and a prior trained together on a ``ToyDistribution``.
public final class ToyModel {
    public let data: ToyDistribution
    public let training: ToyTraining
    public let dequantiser: any Dequantiser
    public let prior: AutoregressivePrior
    public let marginal: EmpiricalMarginal
    /// The last training step's loss.
    public private(set) var finalLoss = Double.nan
    /// Steps whose loss or gradient was not finite and were skipped (no update).
    public private(set) var skippedSteps = 0

    public init(data: ToyDistribution, training: ToyTraining, random: RandomSource) {
        self.data = data
        self.training = training
        marginal = data.pooledMarginal
        var initial = random.split("initialisation")
        let k = data.categories, d = training.dimensions
        switch training.method {
        case .catNF:
            let q = CatNFDequantiser(categories: k, dimensions: d)
            q.flow!.drawShifts(using: &initial)
            dequantiser = q
        case .argmax:
            let q = ArgmaxDequantiser(categories: k, encoding: .binary)
            guard q.dimensions == d else { fatalError("ToyModel: binary Argmax with K = \(k) needs D = \(q.dimensions)") }
            q.flow!.drawShifts(using: &initial)
            dequantiser = q
        case .trufl:
            let q = TRUFLDequantiser(categories: k, dimensions: d, flow: training.flow)
            switch training.initialisation {
            case .orthants:
                let logThree = Float(Foundation.log(3.0))
                q.mTilde.value = Tensor(shape: [k, d], scalars: (0..<(k * d)).map { i in
                    ((i / d) >> (i % d)) & 1 == 1 ? logThree : -logThree
                })
            case .random:
                q.mTilde.value = Tensor.normal([k, d], using: &initial)
            }
            dequantiser = q
        }
        prior = AutoregressivePrior(dimension: data.length * d, mixtures: training.mixtures, hidden: training.hidden,
                                    name: "prior", random: &initial)
    }

    public var parameters: [Parameter] { dequantiser.parameters + prior.parameters }

    /// TRUFL's support boxes at the current parameters (nil for CatNF and Argmax, whose supports cover ℝᴰ
    /// up to the axes).
    public var supports: SupportBoxes? {
        (dequantiser as? TRUFLDequantiser).map { SupportBoxes($0) }
    }

    /// Trains for `training.steps` steps on fresh batches from the data, with progress on standard error.
    public func train(label: String, using random: RandomSource) {
        var batches = random.split("batches"), noise = random.split("noise"), leak = random.split("leak")
        let steps = training.steps
        let decay = Foundation.pow(Double(training.finalRateFraction), 1 / Double(max(steps, 1)))
        let adam = Adam(parameters, learningRate: .warmup(steps: 100, then: .exponential(initial: training.learningRate,
                                                                                          decay: Float(decay))),
                        maxGradientNorm: training.maxGradientNorm)
        var progress = Progress(label, totalSteps: steps)
        let isTRUFL = training.method == .trufl
        for step in 0..<steps {
            let tape = Tape()
            let batch = data.sample(training.batchSize, using: &batches)
            let terms = evidenceLowerBound(batch, dequantiser: dequantiser, prior: prior, marginal: marginal, on: tape,
                                           indicator: isTRUFL ? training.indicator(at: step) : .hard, using: &noise)
            var loss = terms.loss(reconstructionWeight: training.beta(at: step))
            if isTRUFL && training.leakWeight != 0, let supports, let term = leakLoss(supports, on: tape, using: &leak) {
                loss = loss + term * training.leakWeight
            }
            loss.backward()
            // A non-finite loss or gradient (binary Argmax's softplus inverse can overflow on a far-out draw)
            // would turn every parameter into NaN; such a step is skipped and counted instead.
            guard loss.scalar.isFinite, parameters.gradientNorm.isFinite else {
                skippedSteps += 1
                parameters.zeroGradients()
                continue
            }
            _ = adam.step()
            parameters.zeroGradients()
            finalLoss = Double(loss.scalar)
            progress.step(step, loss: finalLoss)
        }
    }

    /// ``LeakTerm/negativeLogZ(prior:samples:inside:on:using:)`` for the toy's supports: a draw is inside when
    /// every position's latent lies in some category's box.
    func leakLoss(_ supports: SupportBoxes, on tape: Tape, using random: inout RandomSource) -> Var? {
        let d = training.dimensions
        return LeakTerm.negativeLogZ(prior: prior, samples: training.leakSamples, inside: { values in
            !stride(from: 0, to: values.count, by: d).contains { t in
                !supports.contains(values[(values.startIndex + t)..<(values.startIndex + t + d)])
            }
        }, on: tape, using: &random)
    }
}
