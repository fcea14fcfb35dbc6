import Foundation
import Trufl

/// Row 6: one training step of chapter 06's graph-colouring model with TRUFL (see ``ColouringStepShapes``), as
/// ``GraphColouringModel/train(on:probe:settings:label:using:)`` takes it: the per-graph ELBO (Eq. 3) with one
/// reparameterised draw per node and the soft decoder of Eq. 2, the graph flow prior (mixture-of-logistics couplings
/// conditioned through graph attention, elementwise affines, a logistic base), the loss per node, backward, and Adam
/// with clipping. As in row 4 the batch and the dequantisation noise are fixed and every iteration starts from the
/// initial weights (restored outside the timing), so the loss is the same every iteration and comparable across sides.
final class ColouringStepRow: BenchRow {
    typealias S = ColouringStepShapes
    let profile: String
    let size: GraphColouringModelSize
    let learningRate: Float
    let model: GraphColouringModel
    let batch: GraphBatch
    let graph: GraphStructure
    let noise: Tensor
    let adam: Adam
    let initial: [Tensor]
    var check = 0.0
    /// The last step's gradient norm before clipping: a second number to compare with PyTorch's (in `info`).
    var gradientNorm: Float = .nan

    /// The chapter's quick profile's prior (hidden 32, 2 graph layers), or its full profile's (hidden 64, 3).
    init(full: Bool) {
        profile = full ? "full" : "quick"
        size = full ? S.full : S.quick
        learningRate = full ? S.fullLearningRate : S.quickLearningRate
        var random = RandomSource(seed: 0)  // replaced below by the shared hash initialisation
        model = GraphColouringModel(kind: .trufl, size: size, random: &random)
        Self.initialise(model)
        batch = GraphBatch(examples: colouringStepExamples())
        graph = GraphStructure(batch)
        noise = hashUniform([batch.nodeCount, ColouringDequantiserKind.trufl.dimensions], seed: 69, bound: 1)
            .map { ($0 + 1) / 2 + 0x1p-25 }
        adam = Adam(model.parameters, learningRate: .constant(learningRate), maxGradientNorm: S.maxGradientNorm)
        initial = model.parameters.map(\.value)
    }

    /// Overwrites the parameters with values bench/pytorch/colouring_step.py reproduces. Walking the model as it does,
    /// the i-th parameter of ``GraphColouringModel/parameters`` gets `hashUniform(shape, seed: 600 + i, bound)`: every
    /// linear layer's weight and bias the bound 1/√inputs of its own initialisation, s̃ 0.5, the colour-conditional
    /// scale and shift 0.25, the prior's elementwise affines 0.1 (non-zero, so that the loss check covers them). m̃
    /// keeps the model's asymmetric start (window centres 0.2, 0.5, 0.8 and 0.5), which colouring_step.py computes the same way.
    static func initialise(_ model: GraphColouringModel) {
        guard let q = model.dequantiser as? TRUFLDequantiser, let flow = q.flow else {
            fatalError("ColouringStepRow: expects TRUFL with its colour-conditional flow")
        }
        var walk = HashWalk()
        walk.add(q.mTilde, bound: nil)
        walk.add(q.sTilde, bound: 0.5)
        walk.add(flow.shift, bound: 0.25)
        walk.add(flow.logScale, bound: 0.25)
        walk.graphFlowPrior(model.prior)
        walk.apply(to: model.parameters, firstSeed: 600, row: "ColouringStepRow")
    }

    var info: [String: Any] {
        ["profile": profile, "graphs": "\(batch.graphCount) × \(S.nodes) nodes, \(batch.directedEdgeCount / 2) edges",
         "dequantiser": "TRUFL, D 2, colour-conditional scale and shift, soft τ = \(S.temperature)",
         "prior": "\(size.couplings) blocks, hidden \(size.hidden), \(size.graphLayers) graph-attention layers, \(size.mixtures) logistics",
         "optimiser": "Adam \(learningRate), clip \(S.maxGradientNorm), β \(S.beta)",
         "parameters": adam.parameters.scalarCount, "tensors": adam.parameters.count,
         "gradient_norm": Double(gradientNorm)]
    }

    func iterate() -> [String: Double] {
        // The chapter's training loop steps without a finiteness guard.
        let step = timedTrainingStep(adam, from: initial, guarded: false) { tape in
            model.elbo(batch, graph: graph, on: tape, indicator: .soft(temperature: S.temperature), noise: noise)
                .loss(reconstructionWeight: S.beta, nodes: batch.nodeCount)
        }
        (check, gradientNorm) = (step.loss, step.gradientNorm!)
        return step.times
    }
}
