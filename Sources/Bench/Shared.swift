import Foundation
import Trufl

// What the engine side and bench/pytorch/rows.py must agree on: the deterministic initialisation and the
// shapes of every row. Change one side, change the other.

/// Deterministic values in `(-bound, bound)` from an integer hash of (seed, index), computed with the same
/// integer steps and the same Float32 rounding in bench/pytorch/common.py (`hash_uniform`), so both sides start
/// from identical weights without sharing a file. (Timing does not depend on the values; the driver still
/// compares the two sides' losses as a check that the models are the same.)
func hashUniform(_ shape: [Int], seed: Int, bound: Float) -> Tensor {
    let n = shape.reduce(1, *)
    var out = [Float](repeating: 0, count: n)
    let mask: UInt64 = 0xFFFF_FFFF
    let offset = (UInt64(seed) &* 0x9E3779B) & mask
    for i in 0..<n {
        var x = (UInt64(i) &+ offset) & mask
        x = (((x >> 16) ^ x) &* 0x45D9F3B) & mask
        x = (((x >> 16) ^ x) &* 0x45D9F3B) & mask
        x = (x >> 16) ^ x
        let u = Float(x >> 8) / 16_777_216  // exact: 24 bits
        out[i] = (2 * u - 1) * bound
    }
    return Tensor(shape: Shape(shape), scalars: out)
}

/// `1/√n` in Float32, as both sides compute it.
func inverseSquareRoot(_ n: Int) -> Float { 1 / Float(n).squareRoot() }

/// Row 2: a chain of this many `[4]`-element multiplies on one tape.
let tapeChainLength = 1000

/// Row 5: LSTM + MADE mixture-of-logistics head.
enum LSTMShapes {
    static let sequence = 64, batch = 32, inputs = 32, hidden = 256
    /// Latent dimensions per token modelled by the MADE head, and logistic mixture components.
    static let dimension = 3, mixtures = 4
    /// The MADE's one hidden layer.
    static let madeHidden = 128
}

/// Row 3: TRUFL dequantiser with the optimal decoder.
enum DequantiserShapes {
    static let categories = 50, dimension = 8, batch = 1024, tokens = 64
}

/// Row 8: the optimal decoder at the word-level scale of Table 4 (K = 10,000, D = 12, a batch of 512 tokens).
enum DecoderShapes {
    static let categories = 10_000, dimension = 12, tokens = 512
    static let temperature: Float = 0.02
}

/// Row 4: one training step of chapter 05's toy model (``ToyModel`` with TRUFL at the recipe's settings):
/// T = 2 variables of K = 4 categories, D = 2 latent dimensions each (no flow), an autoregressive MADE prior
/// over the T·D = 4 latents with a mixture of 8 logistics per conditional and hidden layers [64, 64] (ReLU),
/// the soft indicator τ = 0.02, β = 1, Adam at 3e-3 with the gradients clipped to norm 10.
enum ToyStepShapes {
    static let categories = 4, variables = 2, dimension = 2, mixtures = 8
    static let hidden = [64, 64]
    static let temperature: Float = 0.02, beta: Float = 1, maxGradientNorm: Float = 10
}

/// Row 6: one training step of chapter 06's graph-colouring model with TRUFL (``GraphColouringModel``), on a fixed
/// batch of 32 graphs of exactly 20 nodes. The prior's sizes are the chapter's quick and full profiles; the step is
/// the chapter's: the soft indicator τ = 0.02, Adam with the gradient norm clipped to 1, the reconstruction weight β
/// at the warm-up's first step (1 + 2⁰ = 2).
enum ColouringStepShapes {
    static let graphs = 32, nodes = 20
    static let quick = GraphColouringModelSize(couplings: 4, hidden: 32, graphLayers: 2, mixtures: 4)
    static let full = GraphColouringModelSize(couplings: 4, hidden: 64, graphLayers: 3, mixtures: 4)
    /// The chapter's learning rates for the two profiles.
    static let quickLearningRate: Float = 2e-3, fullLearningRate: Float = 1e-3
    static let temperature: Float = 0.02, beta: Float = 2, maxGradientNorm: Float = 1
    /// The seed of the generator's stream for the batch (bench/pytorch/rows.py reads the batch from
    /// `trufl-bench --colouring-batch` rather than regenerating it).
    static let dataSeed: UInt64 = 6
}

/// Row 6's batch: 32 graphs of 20 nodes from the engine's generator (CatNF's recipe with |V| fixed at 20: edge
/// probability in (0.1, 0.2), repaired, chromatic number 3, the exact solver's colouring), each with its colours
/// renamed by a random permutation as chapter 06's training does. Deterministic in ``ColouringStepShapes/dataSeed``.
func colouringStepExamples() -> [GraphColouringExample] {
    typealias S = ColouringStepShapes
    var random = RandomSource(seed: S.dataSeed)
    let generator = GraphColouringGenerator(size: GraphSize(name: "bench-\(S.nodes)", nodes: S.nodes...S.nodes))
    return (0..<S.graphs).map { _ in generator.generate(using: &random).example.withPermutedColours(using: &random) }
}

/// The batch as JSON for bench/pytorch/rows.py: per graph its node count, edges `[u, v]` (u < v, sorted) and colours.
func colouringStepBatchJSON() -> [String: Any] {
    ["graphs": colouringStepExamples().map { example -> [String: Any] in
        ["nodes": example.graph.nodeCount, "edges": example.graph.edges.map { [$0.u, $0.v] },
         "colours": example.colouring]
    }]
}

/// One timed training step of a bench row. The parameters are reset to `initial` in fresh buffers (so that Adam's
/// in-place update does not copy them inside the timing) and their gradients zeroed; then `loss` builds the loss on
/// a new tape (forward), backward, and Adam's step. With `guarded`, the step is skipped on a non-finite loss or
/// gradient, as the toy's and the character model's training loops do; otherwise it is taken, as chapter 06's is.
/// Returns the loss, the gradient norm Adam clipped (nil when guarded) and the phases' times in seconds.
func timedTrainingStep(_ adam: Adam, from initial: [Tensor], guarded: Bool,
                       loss makeLoss: (Tape) -> Var) -> (loss: Double, gradientNorm: Float?, times: [String: Double]) {
    let params = adam.parameters
    for (p, value) in zip(params, initial) { p.value = Tensor(shape: value.shape, scalars: value.scalars.map { $0 }) }
    params.zeroGradients()
    let t0 = now()
    let loss = makeLoss(Tape())
    let t1 = now()
    loss.backward()
    let t2 = now()
    var gradientNorm: Float? = nil
    if !guarded {
        gradientNorm = adam.step()
    } else if loss.scalar.isFinite && params.gradientNorm.isFinite {
        adam.step()
    }
    let t3 = now()
    return (Double(loss.scalar), gradientNorm, ["forward": t1 - t0, "backward": t2 - t1, "step": t3 - t0])
}
