import Foundation
import Trufl

/// One benchmark row. `iterate()` runs one iteration and returns the seconds spent in each named phase
/// (measured inside, so set-up such as zeroing gradients is not counted). Mirrored by bench/pytorch/rows.py.
protocol BenchRow: AnyObject {
    /// Shapes and settings, reported with every sample.
    var info: [String: Any] { get }
    func iterate() -> [String: Double]
    /// A value computed by the last iteration (e.g. the loss), compared with PyTorch's as a sanity check.
    var check: Double { get }
}

/// Row 1: `[n, n] · [n, n]` through the engine's `Tensor.matmul` (cblas_sgemm, plus allocating the result).
/// One iteration times `reps` products together (about 50 MFLOP), so that reading the clock costs nothing.
final class SgemmRow: BenchRow {
    let n: Int
    var reps: Int { max(1, 50_000_000 / (2 * n * n * n)) }
    let a: Tensor, b: Tensor
    var check = 0.0

    init(n: Int) {
        self.n = n
        a = hashUniform([n, n], seed: 1, bound: 1)
        b = hashUniform([n, n], seed: 2, bound: 1)
    }

    var info: [String: Any] { ["shape": "[\(n),\(n)]·[\(n),\(n)]", "flop": 2 * n * n * n] }

    func iterate() -> [String: Double] {
        var sink: Float = 0
        let t0 = now()
        for _ in 0..<reps { sink += a.matmul(b).scalars[0] }
        let t1 = now()
        check = Double(sink) / Double(reps)
        return ["matmul": (t1 - t0) / Double(reps)]
    }
}

/// Row 2: the tape's per-op overhead. A chain `y ← y · w` of `tapeChainLength` multiplies of `[4]`
/// vectors (w a leaf that wants a gradient), then `sum` and backward.
final class TapeOpRow: BenchRow {
    let x = Tensor(shape: [4], repeating: 0.5)
    let w = Tensor(shape: [4], repeating: 1.0001)
    var check = 0.0

    var info: [String: Any] { ["ops": tapeChainLength, "shape": "[4]", "per": "op"] }

    func iterate() -> [String: Double] {
        let t0 = now()
        let tape = Tape()
        let wv = tape.variable(w)
        var y = tape.constant(x)
        for _ in 0..<tapeChainLength { y = y * wv }
        let loss = y.sum()
        let t1 = now()
        loss.backward()
        let t2 = now()
        check = Double(wv.grad.scalars[0])
        let n = Double(tapeChainLength)
        return ["forward": (t1 - t0) / n, "backward": (t2 - t1) / n]
    }
}

/// Row 5: an LSTM over `[time, batch, inputs]` whose every hidden output conditions a MADE head with a
/// mixture-of-logistics output per latent dimension; the loss is the negative mean log-likelihood of fixed
/// random targets. Forward and backward.
final class LSTMMadeRow: BenchRow {
    typealias S = LSTMShapes
    let lstm: LSTM
    let made: MADE
    let input: Tensor
    let targets: Tensor
    /// Diagnostic variant: run the LSTM with `LSTM.step(_:_:)` per time step (each step projects its own
    /// input slice) instead of `callAsFunction`, which projects the whole sequence once and slices the
    /// projection per step, so that backward builds a full-size zero gradient of the projection per step.
    let stepwise: Bool
    var check = 0.0

    init(stepwise: Bool = false) {
        self.stepwise = stepwise
        var random = RandomSource(seed: 0)  // replaced below by the shared hash initialisation
        lstm = LSTM(inputs: S.inputs, hidden: S.hidden, name: "lstm", random: &random)
        made = MADE(dimension: S.dimension, hidden: [S.madeHidden], outputsPerDimension: 3 * S.mixtures,
                    contextSize: S.hidden, activation: .relu, name: "made", random: &random)
        let h = inverseSquareRoot(S.hidden)
        lstm.inputWeight.value = hashUniform([S.inputs, 4 * S.hidden], seed: 1, bound: h)
        lstm.hiddenWeight.value = hashUniform([S.hidden, 4 * S.hidden], seed: 2, bound: h)
        lstm.bias.value = hashUniform([4 * S.hidden], seed: 3, bound: h)
        let out = S.dimension * 3 * S.mixtures
        made.layers[0].weight.value = hashUniform([S.dimension, S.madeHidden], seed: 4, bound: inverseSquareRoot(S.dimension))
        made.layers[0].bias!.value = hashUniform([S.madeHidden], seed: 5, bound: inverseSquareRoot(S.dimension))
        made.layers[1].weight.value = hashUniform([S.madeHidden, out], seed: 6, bound: inverseSquareRoot(S.madeHidden))
        made.layers[1].bias!.value = hashUniform([out], seed: 7, bound: inverseSquareRoot(S.madeHidden))
        made.context!.weight.value = hashUniform([S.hidden, S.madeHidden], seed: 8, bound: h)
        input = hashUniform([S.sequence, S.batch, S.inputs], seed: 9, bound: 1)
        targets = hashUniform([S.sequence * S.batch, S.dimension], seed: 10, bound: 3)
    }

    var parameters: [Parameter] { lstm.parameters + made.parameters }

    var info: [String: Any] {
        ["lstm": "sequence \(S.sequence), batch \(S.batch), inputs \(S.inputs), hidden \(S.hidden)",
         "made": "D \(S.dimension), hidden [\(S.madeHidden)], \(S.mixtures) logistics, context \(S.hidden)",
         "parameters": parameters.scalarCount,
         "lstm_impl": stepwise ? "LSTM.step per time step" : "LSTM.callAsFunction"]
    }

    func iterate() -> [String: Double] {
        let params = parameters
        params.zeroGradients()
        let (n, d, k) = (S.sequence * S.batch, S.dimension, S.mixtures)
        let t0 = now()
        let tape = Tape()
        let outputs: Var
        if stepwise {
            let sequence = tape.constant(input)
            var state = lstm.zeroState(batch: S.batch, on: tape)
            var hs: [Var] = []
            for t in 0..<S.sequence {
                state = lstm.step(sequence.slice(axis: 0, t..<(t + 1)).reshaped([S.batch, S.inputs]), state)
                hs.append(state.hidden.reshaped([1, S.batch, S.hidden]))
            }
            outputs = Var.concat(hs, axis: 0)
        } else {
            outputs = lstm(tape.constant(input)).outputs
        }
        let context = outputs.reshaped([n, S.hidden])
        let x = tape.constant(targets)
        let p = made(x, context: context)  // [n, d, 3k]: logits, means, log-scales
        let logits = p.slice(axis: 2, 0..<k)
        let means = p.slice(axis: 2, k..<(2 * k))
        let logScales = p.slice(axis: 2, (2 * k)..<(3 * k))
        let minusZ = (means - x.reshaped([n, d, 1])) * (-logScales).exp()
        // log of the logistic density at z, over its scale: −z − 2·softplus(−z) − log s.
        let logDensity = minusZ - minusZ.softplus() * 2 - logScales
        let loss = -(logDensity + logits.logSoftmax(axis: 2)).logSumExp(axis: 2).mean()
        let t1 = now()
        loss.backward()
        let t2 = now()
        check = Double(loss.scalar)
        return ["forward": t1 - t0, "backward": t2 - t1, "forward+backward": t2 - t0]
    }
}

/// Row 3: the TRUFL dequantiser with the optimal decoder (Eq. 2) on K = 50 categories in D = 8 dimensions,
/// 1024 × 64 tokens: sample z for each token's category (Eq. 6, with the category-conditional scale and
/// shift), evaluate log q(z|k) for every k with the soft support indicator used in training (τ = 0.02),
/// and take the loss E[log q(z|x) − log p(x|z)]; forward and backward.
final class DequantiserRow: BenchRow {
    typealias S = DequantiserShapes
    let dequantiser = TRUFLDequantiser(categories: S.categories, dimensions: S.dimension)
    let x: [Int]
    let noise: Tensor
    let marginal = EmpiricalMarginal.uniform(S.categories)
    var check = 0.0

    init() {
        dequantiser.mTilde.value = hashUniform([S.categories, S.dimension], seed: 31, bound: 1.5)
        dequantiser.sTilde.value = hashUniform([S.categories, S.dimension], seed: 32, bound: 1)
        dequantiser.flow!.shift.value = hashUniform([S.categories, S.dimension], seed: 33, bound: 0.5)
        dequantiser.flow!.logScale.value = hashUniform([S.categories, S.dimension], seed: 34, bound: 0.5)
        let tokens = S.batch * S.tokens
        x = hashUniform([tokens], seed: 35, bound: 1).scalars.map { min(S.categories - 1, Int(($0 + 1) / 2 * Float(S.categories))) }
        noise = hashUniform([tokens, S.dimension], seed: 36, bound: 1).map { ($0 + 1) / 2 + 0x1p-25 }
    }

    var info: [String: Any] {
        ["K": S.categories, "D": S.dimension, "tokens": "\(S.batch) × \(S.tokens)", "decoder": "optimal, soft τ = 0.02"]
    }

    func iterate() -> [String: Double] {
        dequantiser.parameters.zeroGradients()
        let t0 = now()
        let tape = Tape()
        let sample = dequantiser.sample(x, noise: noise, on: tape)
        let reconstruction = dequantiser.logLikelihood(of: x, given: sample.z, marginal: marginal,
                                                       indicator: .soft(temperature: 0.02))
        let loss = (sample.logDensity - reconstruction).mean()
        let t1 = now()
        loss.backward()
        let t2 = now()
        check = Double(loss.scalar)
        return ["forward": t1 - t0, "backward": t2 - t1, "forward+backward": t2 - t0]
    }
}

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
        let params = parameters
        for (p, value) in zip(params, initial) {
            // A fresh buffer, so that Adam's in-place update does not copy it inside the timing.
            p.value = Tensor(shape: value.shape, scalars: value.scalars.map { $0 })
        }
        params.zeroGradients()
        let t0 = now()
        let tape = Tape()
        let terms = evidenceLowerBound(x, dequantiser: dequantiser, prior: prior, marginal: marginal, noise: noise,
                                       on: tape, indicator: .soft(temperature: S.temperature))
        let loss = terms.loss(reconstructionWeight: S.beta)
        let t1 = now()
        loss.backward()
        let t2 = now()
        // ToyModel.train's guard: a non-finite loss or gradient skips the update.
        if loss.scalar.isFinite && params.gradientNorm.isFinite { adam.step() }
        let t3 = now()
        check = Double(loss.scalar)
        return ["forward": t1 - t0, "backward": t2 - t1, "step": t3 - t0]
    }
}

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

    /// Overwrites the parameters with values bench/pytorch/rows.py reproduces. Walking the model as rows.py does,
    /// the i-th parameter of ``GraphColouringModel/parameters`` gets `hashUniform(shape, seed: 600 + i, bound)`: every
    /// linear layer's weight and bias the bound 1/√inputs of its own initialisation, s̃ 0.5, the colour-conditional
    /// scale and shift 0.25, the prior's elementwise affines 0.1 (non-zero, so that the loss check covers them). m̃
    /// keeps the model's asymmetric start (window centres 0.2, 0.5, 0.8 and 0.5), which rows.py computes the same way.
    static func initialise(_ model: GraphColouringModel) {
        guard let q = model.dequantiser as? TRUFLDequantiser, let flow = q.flow else {
            fatalError("ColouringStepRow: expects TRUFL with its colour-conditional flow")
        }
        var walk: [(parameter: Parameter, bound: Float?)] = [(q.mTilde, nil), (q.sTilde, 0.5), (flow.shift, 0.25),
                                                             (flow.logScale, 0.25)]
        func linear(_ layer: Linear) {
            let bound = inverseSquareRoot(layer.inputs)
            walk.append((layer.weight, bound))
            if let bias = layer.bias { walk.append((bias, bound)) }
        }
        for coupling in model.prior.couplings {
            linear(coupling.embed)
            for attention in coupling.layers {
                linear(attention.project)
                linear(attention.attendSource)
                linear(attention.attendTarget)
                attention.update.layers.forEach(linear)
            }
            linear(coupling.head)
        }
        for affine in model.prior.affines { walk += [(affine.logScale, 0.1), (affine.shift, 0.1)] }
        // The seeds follow the model's own parameter order, which is also the optimiser's.
        guard walk.map({ ObjectIdentifier($0.parameter) }) == model.parameters.map({ ObjectIdentifier($0) }) else {
            fatalError("ColouringStepRow: the walk no longer matches GraphColouringModel.parameters")
        }
        for (i, entry) in walk.enumerated() {
            guard let bound = entry.bound else { continue }
            entry.parameter.value = hashUniform(entry.parameter.value.shape.dimensions, seed: 600 + i, bound: bound)
        }
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
        let params = adam.parameters
        for (p, value) in zip(params, initial) {
            // A fresh buffer, so that Adam's in-place update does not copy it inside the timing.
            p.value = Tensor(shape: value.shape, scalars: value.scalars.map { $0 })
        }
        params.zeroGradients()
        let t0 = now()
        let tape = Tape()
        let terms = model.elbo(batch, graph: graph, on: tape, indicator: .soft(temperature: S.temperature), noise: noise)
        let loss = terms.loss(reconstructionWeight: S.beta, nodes: batch.nodeCount)
        let t1 = now()
        loss.backward()
        let t2 = now()
        // The chapter's training loop steps without a finiteness guard.
        gradientNorm = adam.step()
        let t3 = now()
        check = Double(loss.scalar)
        return ["forward": t1 - t0, "backward": t2 - t1, "step": t3 - t0]
    }
}

/// Every row, by name, in table order.
let rowNames = ["sgemm-64", "sgemm-256", "sgemm-1024", "tape-op", "dequantiser", "toy-step-128", "toy-step-1024", "lstm-made",
                "lstm-made-unrolled", "lstm-made-stepwise", "colouring-step", "colouring-step-full"]

func makeRow(_ name: String) -> BenchRow? {
    switch name {
    case "sgemm-64": return SgemmRow(n: 64)
    case "sgemm-256": return SgemmRow(n: 256)
    case "sgemm-1024": return SgemmRow(n: 1024)
    case "tape-op": return TapeOpRow()
    case "dequantiser": return DequantiserRow()
    case "toy-step-128": return ToyStepRow(batch: 128)
    case "toy-step-1024": return ToyStepRow(batch: 1024)
    case "lstm-made": return LSTMMadeRow()
    // Row 5b: the engine runs the same model; only PyTorch's side differs (its LSTM unrolled in Python).
    case "lstm-made-unrolled": return LSTMMadeRow()
    // Row 5c (diagnostic): the engine's LSTM driven step by step; PyTorch's side is torch.nn.LSTM as in row 5.
    case "lstm-made-stepwise": return LSTMMadeRow(stepwise: true)
    case "colouring-step": return ColouringStepRow(full: false)
    case "colouring-step-full": return ColouringStepRow(full: true)
    default: return nil
    }
}
