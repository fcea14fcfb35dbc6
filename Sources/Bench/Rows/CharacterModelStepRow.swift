import Foundation
import Trufl

/// Row 7's shapes: chapter 07's full profile on PTB characters (K = 49 symbols, chunks of 128, batch 32, the prior's
/// LSTM 256 and MADE 128, D = 3, 4 logistics).
enum CharacterModelShapes {
    static let categories = 49, length = 128, batch = 32, dimension = 3
    static let hidden = 256, madeHidden = 128, mixtures = 4
    static let temperature: Float = 0.02, beta: Float = 2, learningRate: Float = 2e-2, maxGradientNorm: Float = 1
}

/// Row 7: one training step of chapter 07's TRUFL character model, as `CharacterLanguageModelExperiment.train` takes
/// it: TRUFL with its category-conditional scale and shift and the soft indicator, the optimal decoder (Eq. 2), the
/// prior of Appendix C.3 (``LSTMMADEPrior``), the ELBO per character with β = 2 (the warm-up's first step), backward,
/// the finiteness guard, and Adam after clipping the gradient norm to 1. The chunk batch and the noise are fixed
/// (hash-initialised, so PyTorch sees the same numbers), and each iteration restores the initial weights outside the
/// timing, as in rows 4 and 6.
final class CharacterModelStepRow: BenchRow {
    typealias S = CharacterModelShapes
    let dequantiser = TRUFLDequantiser(categories: S.categories, dimensions: S.dimension)
    let prior: LSTMMADEPrior
    let adam: Adam
    let x: CategoryBatch
    let noise: Tensor
    let marginal: EmpiricalMarginal
    let initial: [Tensor]
    var check = 0.0

    init() {
        let (k, d, h) = (S.categories, S.dimension, S.hidden)
        dequantiser.mTilde.value = hashUniform([k, d], seed: 71, bound: 1.5)
        dequantiser.sTilde.value = hashUniform([k, d], seed: 72, bound: 1)
        dequantiser.flow!.shift.value = hashUniform([k, d], seed: 73, bound: 0.5)
        dequantiser.flow!.logScale.value = hashUniform([k, d], seed: 74, bound: 0.5)
        var random = RandomSource(seed: 0)  // replaced below by the shared hash initialisation
        prior = LSTMMADEPrior(dimensions: d, hidden: h, madeHidden: S.madeHidden, mixtures: S.mixtures, random: &random)
        let bound = inverseSquareRoot(h)
        prior.lstm.inputWeight.value = hashUniform([d, 4 * h], seed: 75, bound: bound)
        prior.lstm.hiddenWeight.value = hashUniform([h, 4 * h], seed: 76, bound: bound)
        prior.lstm.bias.value = hashUniform([4 * h], seed: 77, bound: bound)
        let out = d * 3 * S.mixtures
        let made = prior.made
        made.layers[0].weight.value = hashUniform([d, S.madeHidden], seed: 78, bound: inverseSquareRoot(d))
        made.layers[0].bias!.value = hashUniform([S.madeHidden], seed: 79, bound: inverseSquareRoot(d))
        made.layers[1].weight.value = hashUniform([S.madeHidden, out], seed: 80, bound: inverseSquareRoot(S.madeHidden))
        made.layers[1].bias!.value = hashUniform([out], seed: 81, bound: inverseSquareRoot(S.madeHidden))
        made.context!.weight.value = hashUniform([h, S.madeHidden], seed: 82, bound: bound)
        let n = S.batch * S.length
        let values = hashUniform([n], seed: 83, bound: 1).scalars.map { min(k - 1, Int(($0 + 1) / 2 * Float(k))) }
        x = CategoryBatch(values, shape: [S.batch, S.length])
        noise = hashUniform([n, d], seed: 84, bound: 1).map { ($0 + 1) / 2 + 0x1p-25 }
        marginal = EmpiricalMarginal(counting: values, categories: k)
        let parameters = dequantiser.parameters + prior.parameters
        adam = Adam(parameters, learningRate: .constant(S.learningRate), maxGradientNorm: S.maxGradientNorm)
        initial = parameters.map(\.value)
    }

    var parameters: [Parameter] { adam.parameters }

    var info: [String: Any] {
        ["x": "[\(S.batch), \(S.length)], K \(S.categories)",
         "dequantiser": "TRUFL, D \(S.dimension), scale and shift, soft τ = \(S.temperature)",
         "prior": "LSTM \(S.hidden) over z_<t, MADE [\(S.madeHidden)] over D, \(S.mixtures) logistics",
         "optimiser": "Adam \(S.learningRate), clip \(S.maxGradientNorm)", "parameters": parameters.scalarCount]
    }

    func iterate() -> [String: Double] {
        let step = timedTrainingStep(adam, from: initial, guarded: true) { tape in
            evidenceLowerBound(x, dequantiser: dequantiser, prior: prior, marginal: marginal, noise: noise, on: tape,
                               indicator: .soft(temperature: S.temperature)).loss(reconstructionWeight: S.beta)
                * (1 / Float(S.length))
        }
        check = step.loss
        return step.times
    }
}
