import Foundation
import Trufl

/// Row 4: one training step of chapter 05's toy model, as ``ToyModel/train(label:using:)`` does it with TRUFL
/// (see ``ToyStepShapes``): the ELBO (Eq. 3) with one reparameterised draw per position and the soft decoder,
/// backward, the finiteness guard, and Adam with clipping. The batch of x and the dequantisation noise are
/// fixed (hash-initialised, so PyTorch sees the same numbers) instead of drawn per step, and each iteration
/// starts from the initial weights (restored outside the timing), so the loss is the same every iteration
/// and comparable across sides; Adam's moments keep accumulating, which changes no timing.
final class ToyStepRow: BenchRow {
    typealias S = ToyStepShapes
    let batch: Int
    let dequantiser = TRUFLDequantiser(categories: S.categories, dimensions: S.dimension, flow: false)
    let prior: AutoregressivePrior
    let adam: Adam
    let x: CategoryBatch
    let noise: Tensor
    let marginal: EmpiricalMarginal
    let initial: [Tensor]
    var check = 0.0

    init(batch: Int) {
        self.batch = batch
        let (k, t, d) = (S.categories, S.variables, S.dimension)
        // ToyModel's orthant initialisation: m̃ = ±log 3 by the bits of k (m = 1/4 or 3/4), s̃ = 0.
        let logThree = Float(Foundation.log(3.0))
        dequantiser.mTilde.value = Tensor(shape: [k, d], scalars: (0..<(k * d)).map { i in
            ((i / d) >> (i % d)) & 1 == 1 ? logThree : -logThree
        })
        var random = RandomSource(seed: 0)  // replaced below by the shared hash initialisation
        prior = AutoregressivePrior(dimension: t * d, mixtures: S.mixtures, hidden: S.hidden, name: "prior", random: &random)
        for (l, layer) in prior.network.layers.enumerated() {
            let (inputs, outputs) = (layer.weight.shape[0], layer.weight.shape[1])
            let bound = inverseSquareRoot(inputs)
            layer.weight.value = hashUniform([inputs, outputs], seed: 41 + 2 * l, bound: bound)
            layer.bias!.value = hashUniform([outputs], seed: 42 + 2 * l, bound: bound)
        }
        let values = hashUniform([batch * t], seed: 47, bound: 1).scalars.map { min(k - 1, Int(($0 + 1) / 2 * Float(k))) }
        x = CategoryBatch(values, shape: [batch, t])
        noise = hashUniform([batch * t, d], seed: 48, bound: 1).map { ($0 + 1) / 2 + 0x1p-25 }
        marginal = EmpiricalMarginal(counting: values, categories: k)  // ToyModel uses the data's pooled marginal
        let parameters = dequantiser.parameters + prior.parameters
        adam = Adam(parameters, learningRate: 3e-3, maxGradientNorm: S.maxGradientNorm)
        initial = parameters.map(\.value)
    }

    var parameters: [Parameter] { adam.parameters }

    var info: [String: Any] {
        ["batch": batch, "x": "[\(batch), \(S.variables)], K \(S.categories)",
         "dequantiser": "TRUFL, D \(S.dimension), no flow, soft τ = \(S.temperature)",
         "prior": "MADE over \(S.variables * S.dimension) latents, hidden \(S.hidden) ReLU, \(S.mixtures) logistics",
         "optimiser": "Adam 3e-3, clip 10", "parameters": parameters.scalarCount]
    }

    func iterate() -> [String: Double] {
        // ToyModel.train's guard: a non-finite loss or gradient skips the update.
        let step = timedTrainingStep(adam, from: initial, guarded: true) { tape in
            evidenceLowerBound(x, dequantiser: dequantiser, prior: prior, marginal: marginal, noise: noise, on: tape,
                               indicator: .soft(temperature: S.temperature)).loss(reconstructionWeight: S.beta)
        }
        check = step.loss
        return step.times
    }
}
