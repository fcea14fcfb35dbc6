import COpenBLAS
import CTruflKernels
import Glibc

/// The fused LSTM's recurrence (``LSTM/callAsFunction(_:initial:)``, see `FusedLSTM.swift`): the loops over
/// time steps, in two interchangeable implementations with the same unit-major buffers.
///
/// - **vectorised** (x86-64 with AVX-512, the default there): per step one call into `LSTMKernels.c`, which
///   multiplies the gates with weights packed once per layer call and finishes each panel with the cell
///   update (forward) or starts it from the hidden state's gradient and ends with the cell's backward.
/// - **portable** (everywhere): per step OpenBLAS sgemms and the SIMD4 kernels of ``FusedLSTMKernels``.
///
/// Both compute the same operations on the activations; the products sum in different orders (last bits).
enum FusedLSTMSteps {
    /// Whether the vectorised kernels run by default: when this CPU has AVX-512, unless the environment
    /// says `TRUFL_LSTM_KERNELS=portable` (for comparing the two). Tests choose per call
    /// (``LSTM/fused(_:initial:vectorised:)``; asking for them where they are not ``available`` gets the portable path).
    static let vectorisedByDefault: Bool = {
        if let choice = getenv("TRUFL_LSTM_KERNELS"), String(cString: choice) == "portable" { return false }
        return available
    }()

    /// Whether this CPU can run the vectorised kernels at all.
    static let available = trufl_lstm_avx512_available() != 0

    /// The vectorised kernels' sigmoid and tanh of `x` (for tests; only where ``available``).
    static func vectorisedActivations(_ x: [Float]) -> (sigmoid: [Float], tanh: [Float]) {
        precondition(available, "the vectorised LSTM kernels need AVX-512")
        var s = [Float](repeating: 0, count: x.count), t = s
        s.withUnsafeMutableBufferPointer { sb in
            t.withUnsafeMutableBufferPointer { tb in
                x.withUnsafeBufferPointer { trufl_lstm_activations($0.baseAddress!, x.count, sb.baseAddress!, tb.baseAddress!) }
            }
        }
        return (s, t)
    }

    /// The forward over all steps. `x` is `[time][batch][inputs]` and `wx` `[inputs, 4·hidden]` (both nil
    /// when `inputs` is 0), `wh` `[hidden, 4·hidden]`, `bias` `[4·hidden]`; `h0` and `c0` the initial state
    /// transposed, `[hidden][batch]` (`h0` nil for zeros). Writes the activations `act` `[time][4·hidden][batch]`,
    /// the cells and their tanh `[time][hidden][batch]` and the hidden outputs `[time][batch][hidden]`.
    static func forward(_ s: FusedLSTMShape, x: UnsafePointer<Float>?, wx: UnsafePointer<Float>?,
                        wh: UnsafePointer<Float>, bias: UnsafePointer<Float>, h0: UnsafePointer<Float>?,
                        c0: UnsafePointer<Float>, act: UnsafeMutablePointer<Float>, cells: UnsafeMutablePointer<Float>,
                        tanhCells: UnsafeMutablePointer<Float>, outputs: UnsafeMutablePointer<Float>,
                        vectorised: Bool) {
        let (steps, batch, inputs, hidden, gates, block) = (s.steps, s.batch, s.inputs, s.hidden, s.gates, s.block)
        if vectorised {
            // Two operands [h; x; 1]ᵀ (`[hidden + inputs + 1][batch]`), alternating: step t reads one and
            // writes h_t into the other.
            let rows = s.stackedRows
            let packed = UnsafeMutablePointer<Float>.allocate(
                capacity: trufl_lstm_forward_packed_count(Int32(hidden), Int32(inputs)))
            let operands = UnsafeMutablePointer<Float>.allocate(capacity: 2 * rows * batch)
            defer { packed.deallocate(); operands.deallocate() }
            trufl_lstm_pack_forward(wh, wx ?? wh, bias, Int32(hidden), Int32(inputs), packed)
            if let h0 { operands.update(from: h0, count: block) } else { operands.update(repeating: 0, count: block) }
            for buffer in 0..<2 { (operands + (buffer * rows + rows - 1) * batch).update(repeating: 1, count: batch) }
            for t in 0..<steps {
                let xh = operands + (t % 2) * rows * batch, next = operands + ((t + 1) % 2) * rows * batch
                if inputs > 0 {
                    trufl_transpose(x! + t * batch * inputs, Int32(batch), Int32(inputs), inputs, xh + block, batch)
                }
                trufl_lstm_forward_step(packed, xh, Int32(hidden), Int32(inputs), Int32(batch), t == 0 && h0 == nil ? 1 : 0,
                                        t == 0 ? c0 : UnsafePointer(cells + (t - 1) * block), act + t * gates * batch,
                                        cells + t * block, tanhCells + t * block, next)
                trufl_transpose(next, Int32(hidden), Int32(batch), batch, outputs + t * block, hidden)
            }
            return
        }
        let whT = UnsafeMutablePointer<Float>.allocate(capacity: gates * hidden)
        let wxT = UnsafeMutablePointer<Float>.allocate(capacity: gates * inputs)
        let hT = UnsafeMutablePointer<Float>.allocate(capacity: block)
        defer { whT.deallocate(); wxT.deallocate(); hT.deallocate() }
        FusedLSTMKernels.transpose(wh, rows: hidden, columns: gates, inStride: gates, into: whT, outStride: hidden)
        if let wx {
            FusedLSTMKernels.transpose(wx, rows: inputs, columns: gates, inStride: gates, into: wxT, outStride: inputs)
        }
        if let h0 { hT.update(from: h0, count: block) }
        for t in 0..<steps {
            let zt = act + t * gates * batch
            if inputs > 0 {
                stepGemm(false, true, m: gates, n: batch, k: inputs, wxT, lda: inputs, x! + t * batch * inputs,
                         ldb: inputs, zt, ldc: batch, beta: 0)
            } else {
                zt.update(repeating: 0, count: gates * batch)
            }
            if t > 0 || h0 != nil {
                stepGemm(false, false, m: gates, n: batch, k: hidden, whT, lda: hidden, hT, ldb: batch,
                         zt, ldc: batch, beta: 1)
            }
            FusedLSTMKernels.forwardStep(z: zt, zStride: batch, bias: bias,
                                         cPrev: t == 0 ? c0 : UnsafePointer(cells + (t - 1) * block), c: cells + t * block, tanhC: tanhCells + t * block, h: hT,
                                         batch: batch, hidden: hidden)
            FusedLSTMKernels.transpose(hT, rows: hidden, columns: batch, inStride: batch,
                                       into: outputs + t * block, outStride: hidden)
        }
    }

    /// The backward through all steps, in reverse. `dOutputs` is the outputs' gradient `[time][batch][hidden]`;
    /// `dc` the final cell's gradient `[hidden][batch]` on entry, the initial cell's on return. Writes the
    /// gates' gradient `DZᵀ`: gate row `r` of step `t` at `dz + r·dzStride + t·batch`.
    static func backward(_ s: FusedLSTMShape, wh: UnsafePointer<Float>, act: UnsafePointer<Float>,
                         cells: UnsafePointer<Float>, tanhCells: UnsafePointer<Float>, c0: UnsafePointer<Float>,
                         dOutputs: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                         dz: UnsafeMutablePointer<Float>, vectorised: Bool) {
        let (steps, batch, hidden, gates, block, dzStride) = (s.steps, s.batch, s.hidden, s.gates, s.block, s.dzStride)
        if vectorised {
            let packed = UnsafeMutablePointer<Float>.allocate(capacity: trufl_lstm_backward_packed_count(Int32(hidden)))
            let dhStep = UnsafeMutablePointer<Float>.allocate(capacity: block)  // the step's dOutputs, [hidden][batch]
            defer { packed.deallocate(); dhStep.deallocate() }
            trufl_lstm_pack_backward(wh, Int32(hidden), packed)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                trufl_transpose(dOutputs + t * block, Int32(batch), Int32(hidden), hidden, dhStep, batch)
                trufl_lstm_backward_step(packed, t == steps - 1 ? nil : UnsafePointer(dz + (t + 1) * batch), dhStep,
                                         act + t * gates * batch, tanhCells + t * block,
                                         t == 0 ? c0 : cells + (t - 1) * block, dc, dz + t * batch, dzStride,
                                         Int32(hidden), Int32(batch))
            }
            return
        }
        let dh = UnsafeMutablePointer<Float>.allocate(capacity: steps * block)  // [time][hidden][batch]
        defer { dh.deallocate() }
        for t in 0..<steps {
            FusedLSTMKernels.transpose(dOutputs + t * block, rows: batch, columns: hidden, inStride: hidden,
                                       into: dh + t * block, outStride: batch)
        }
        for t in stride(from: steps - 1, through: 0, by: -1) {
            FusedLSTMKernels.backwardStep(a: act + t * gates * batch, aStride: batch, tanhC: tanhCells + t * block,
                                          cPrev: t == 0 ? c0 : cells + (t - 1) * block, dh: dh + t * block,
                                          dc: dc, dz: dz + t * batch, dzStride: dzStride, batch: batch, hidden: hidden)
            if t > 0 {
                stepGemm(false, false, m: hidden, n: batch, k: gates, wh, lda: gates, dz + t * batch, ldb: dzStride,
                         dh + (t - 1) * block, ldc: batch, beta: 1)
            }
        }
    }
}

extension FusedLSTMSteps {
    /// The gradients of `W_h`, `W_x` and the bias from `DZᵀ` (``backward(_:wh:act:cells:tanhCells:c0:dOutputs:dc:dz:vectorised:)``)
    /// as one product: with every column's `[h_{t−1}, x_t, 1]` gathered into the rows of `XH`
    /// (`[time·batch, hidden + inputs + 1]`), `XHᵀ·DZ` is `[∂W_h; ∂W_x; ∂b]` stacked. One tall sgemm runs
    /// faster than three (the `∂W_x` one alone, with its 32 rows, at two thirds of the big one's rate) and
    /// than the bias's row sums, more than paying for the copy. `outputs` is `[time][batch][hidden]`, `h0`
    /// `[batch, hidden]` (nil for zeros), `x` `[time][batch][inputs]`; `x` and `dWx` may be nil when `inputs` is 0.
    static func weightGradients(_ s: FusedLSTMShape, outputs: UnsafePointer<Float>, h0: UnsafePointer<Float>?,
                                x: UnsafePointer<Float>?, dz: UnsafePointer<Float>, dWh: UnsafeMutablePointer<Float>,
                                dWx: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>) {
        let (batch, inputs, hidden, gates, rows) = (s.batch, s.inputs, s.hidden, s.gates, s.stackedRows)
        let xh = UnsafeMutablePointer<Float>.allocate(capacity: s.columns * rows)
        let all = UnsafeMutablePointer<Float>.allocate(capacity: rows * gates)
        defer { xh.deallocate(); all.deallocate() }
        for c in 0..<s.columns {
            let row = xh + c * rows
            if c >= batch {
                row.update(from: outputs + (c - batch) * hidden, count: hidden)
            } else if let h0 {
                row.update(from: h0 + c * hidden, count: hidden)
            } else {
                row.update(repeating: 0, count: hidden)
            }
            if inputs > 0 { (row + hidden).update(from: x! + c * inputs, count: inputs) }
            row[hidden + inputs] = 1
        }
        stepGemm(true, true, m: rows, n: gates, k: s.columns, xh, lda: rows, dz, ldb: s.dzStride, all, ldc: gates,
                 beta: 0)
        dWh.update(from: all, count: hidden * gates)
        if inputs > 0 { dWx!.update(from: all + hidden * gates, count: inputs * gates) }
        dBias.update(from: all + (hidden + inputs) * gates, count: gates)
    }
}

/// The sizes of one fused call and its buffers' strides.
struct FusedLSTMShape {
    let steps: Int, batch: Int, inputs: Int, hidden: Int
    var gates: Int { 4 * hidden }
    /// One step's `[hidden][batch]`.
    var block: Int { batch * hidden }
    /// All steps' columns, `time·batch`.
    var columns: Int { steps * batch }
    /// `DZᵀ`'s row stride, padded: with 2048 columns (8 KB) every row of a step's block would map to the same
    /// few cache sets, and the vectorised backward reads a whole step's block per panel.
    var dzStride: Int { columns + 16 }
    /// The rows of the operand `[h; x; 1]ᵀ` (the vectorised forward's per step, the weights' gradient's).
    var stackedRows: Int { hidden + inputs + 1 }
}

/// `C = α·op(A)·op(B) + β·C` (α = 1) on row-major matrices with explicit leading dimensions.
@inline(__always)
func stepGemm(_ transposeA: Bool, _ transposeB: Bool, m: Int, n: Int, k: Int,
              _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
              _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
