import Foundation
import Trufl

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
         "lstm_impl": stepwise ? "LSTM.step per time step" : "LSTM.callAsFunction",
         "flop": Self.flop]
    }

    /// The matrix products' floating-point operations per phase (2 per multiply-add), the nominal count:
    /// step 0's product with the zero initial state is counted although the kernels skip it, and the
    /// elementwise work is not counted. So GFLOP/s below the core's peak bounds how much time is not products.
    static var flop: [String: Int] {
        let tokens = S.sequence * S.batch, gates = 4 * S.hidden
        let out = S.dimension * 3 * S.mixtures
        // LSTM forward: [h_{t−1}, x_t] · [W_h; W_x] per step. Backward: ∂h_{t−1} = ∂z_t · W_hᵀ per step and
        // ∂[W_h; W_x] = [h; x]ᵀ · ∂z over all steps (the inputs are constants: no ∂x).
        let lstmForward = 2 * tokens * (S.hidden + S.inputs) * gates
        let lstmBackward = 2 * tokens * gates * S.hidden + lstmForward
        // MADE: the context's and the two layers' products; backward, each weight's gradient, and the input
        // gradients of the output layer and of the context (the targets are constants).
        let madeForward = 2 * tokens * (S.hidden * S.madeHidden + S.dimension * S.madeHidden + S.madeHidden * out)
        let madeBackward = 2 * tokens * (2 * S.hidden * S.madeHidden + S.dimension * S.madeHidden + 2 * S.madeHidden * out)
        let forward = lstmForward + madeForward, backward = lstmBackward + madeBackward
        return ["forward": forward, "backward": backward, "forward+backward": forward + backward]
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
