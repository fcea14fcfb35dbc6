import COpenBLAS
import CTruflKernels
import Glibc

/// The fused LSTM's recurrence (``LSTM/callAsFunction(_:initial:)``, see `FusedLSTM.swift`): the loops over
/// time steps, in two interchangeable implementations with the same unit-major buffers.
///
/// - **kernels** (x86-64 with AVX2 and FMA, the default there): per step one call into `LSTMKernels.c`, which
///   multiplies the gates with weights packed once per layer call and finishes each panel with the cell
///   update (forward) or starts it from the hidden state's gradient and ends with the cell's backward. They
///   run in AVX-512 or AVX2 (``isa``) with bit-identical results, so the book's numbers do not depend on which.
/// - **portable** (everywhere): per step OpenBLAS sgemms and the SIMD4 kernels of ``FusedLSTMKernels``.
///
/// Both compute the same operations on the activations; the products sum in different orders (last bits).
enum FusedLSTMSteps {
    /// The instruction set the kernels run in by default, or nil for the portable path: the CPU's widest
    /// (``best``), unless `TRUFL_KERNEL_ISA` says `avx2` (the book's switch, README "One arithmetic", which
    /// must not change a bit) or `portable` (for comparing the two paths). Tests choose per call
    /// (``LSTM/fused(_:initial:kernels:)``).
    static let isa: trufl_isa? = {
        let choice = getenv("TRUFL_KERNEL_ISA").map { String(cString: $0) } ?? "best"
        switch choice {
        case "", "best": return best
        case "avx2": return runs(TRUFL_ISA_AVX2) ? TRUFL_ISA_AVX2 : nil
        case "portable": return nil
        default: fatalError("TRUFL_KERNEL_ISA is best, avx2 or portable, not '\(choice)'")
        }
    }()

    /// The widest instruction set this CPU runs the kernels in, or nil (the portable path).
    static let best: trufl_isa? = { let isa = trufl_best_isa(); return isa == TRUFL_ISA_NONE ? nil : isa }()

    /// Whether this CPU can run the kernels in `isa`.
    static func runs(_ isa: trufl_isa) -> Bool { isa != TRUFL_ISA_NONE && isa.rawValue <= trufl_best_isa().rawValue }

    /// The kernels' sigmoid and tanh of `x` in `isa` (for tests; only where it ``runs(_:)``).
    static func kernelActivations(_ x: [Float], isa: trufl_isa) -> (sigmoid: [Float], tanh: [Float]) {
        guard runs(isa) else { fatalError("this CPU cannot run the LSTM kernels in instruction set \(isa.rawValue)") }
        var s = [Float](repeating: 0, count: x.count), t = s
        s.withUnsafeMutableBufferPointer { sb in
            t.withUnsafeMutableBufferPointer { tb in
                x.withUnsafeBufferPointer {
                    trufl_lstm_activations(isa, $0.baseAddress!, x.count, sb.baseAddress!, tb.baseAddress!)
                }
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
                        kernels isa: trufl_isa?) {
        let (steps, batch, inputs, hidden, gates, block) = (s.steps, s.batch, s.inputs, s.hidden, s.gates, s.block)
        if let isa {
            // Two operands [h; x; 1]ᵀ (`[hidden + inputs + 1][batch]`), alternating: step t reads one and
            // writes h_t into the other.
            let rows = s.stackedRows
            let packed = UnsafeMutablePointer<Float>.allocate(
                capacity: trufl_lstm_forward_packed_count(Int32(hidden), Int32(inputs)))
            let operands = UnsafeMutablePointer<Float>.allocate(capacity: 2 * rows * batch)
            defer { packed.deallocate(); operands.deallocate() }
            trufl_lstm_pack_forward(isa, wh, wx ?? wh, bias, Int32(hidden), Int32(inputs), packed)
            if let h0 { operands.update(from: h0, count: block) } else { operands.update(repeating: 0, count: block) }
            for buffer in 0..<2 { (operands + (buffer * rows + rows - 1) * batch).update(repeating: 1, count: batch) }
            for t in 0..<steps {
                let xh = operands + (t % 2) * rows * batch, next = operands + ((t + 1) % 2) * rows * batch
                if inputs > 0 {
                    trufl_transpose(isa, x! + t * batch * inputs, Int32(batch), Int32(inputs), inputs, xh + block, batch)
                }
                let zeroHidden: Int32 = t == 0 && h0 == nil ? 1 : 0
                trufl_lstm_forward_step(isa, packed, xh, Int32(hidden), Int32(inputs), Int32(batch), zeroHidden,
                                        t == 0 ? c0 : UnsafePointer(cells + (t - 1) * block), act + t * gates * batch,
                                        cells + t * block, tanhCells + t * block, next)
                trufl_transpose(isa, next, Int32(hidden), Int32(batch), batch, outputs + t * block, hidden)
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
                                         cPrev: t == 0 ? c0 : UnsafePointer(cells + (t - 1) * block),
                                         c: cells + t * block, tanhC: tanhCells + t * block, h: hT,
                                         batch: batch, hidden: hidden)
            FusedLSTMKernels.transpose(hT, rows: hidden, columns: batch, inStride: batch,
                                       into: outputs + t * block, outStride: hidden)
        }
    }

    /// The backward through all steps, in reverse, and every gradient of the node (see ``FusedLSTMBackward``).
    static func backward(_ s: FusedLSTMShape, _ b: FusedLSTMBackward, kernels isa: trufl_isa?) {
        if let isa { kernelBackward(s, b, isa: isa) } else { portableBackward(s, b) }
    }

    /// Per step the kernel of `LSTMKernels.c`, then the step's gates' gradient filed in panels of eight gate
    /// rows (and summed for the bias); then each weight's gradient is one blocked product over the panels.
    static func kernelBackward(_ s: FusedLSTMShape, _ b: FusedLSTMBackward, isa: trufl_isa) {
        let (steps, batch, inputs, hidden, gates, block, columns) =
            (s.steps, s.batch, s.inputs, s.hidden, s.gates, s.block, s.columns)
        let panelRows = (gates + 7) / 8 * 8
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: trufl_lstm_backward_packed_count(Int32(hidden)))
        let dhStep = UnsafeMutablePointer<Float>.allocate(capacity: block)  // the step's dOutputs, [hidden][batch]
        let dzSteps = UnsafeMutablePointer<Float>.allocate(capacity: 2 * gates * batch)  // steps t and t + 1
        let panels = UnsafeMutableRawPointer.allocate(byteCount: panelRows * columns * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: panelRows * columns)  // aligned for streaming stores
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: gates * 16)
        let transposed = UnsafeMutablePointer<Float>.allocate(capacity: gates * max(hidden, inputs))  // ∂Wᵀ
        defer {
            packed.deallocate(); dhStep.deallocate(); dzSteps.deallocate(); UnsafeMutableRawPointer(panels).deallocate()
            sums.deallocate()
            transposed.deallocate()
        }
        trufl_lstm_pack_backward(isa, b.wh, Int32(hidden), packed)
        sums.update(repeating: 0, count: gates * 16)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let dz = dzSteps + (t % 2) * gates * batch
            let dzNext = t == steps - 1 ? nil : UnsafePointer(dzSteps + ((t + 1) % 2) * gates * batch)
            trufl_transpose(isa, b.dOutputs + t * block, Int32(batch), Int32(hidden), hidden, dhStep, batch)
            trufl_lstm_backward_step(isa, packed, dzNext, dhStep, b.act + t * gates * batch, b.tanhCells + t * block,
                                     t == 0 ? b.c0 : b.cells + (t - 1) * block, b.dc, dz, Int32(hidden), Int32(batch))
            trufl_lstm_file_gates(isa, dz, Int32(gates), Int32(batch), panels, Int32(columns), Int32(t * batch), sums)
            if let dX = b.dX, inputs > 0 {  // ∂x_t = dz_tᵀ·W_xᵀ
                stepGemm(true, true, m: batch, n: inputs, k: gates, dz, lda: batch, b.wx!, ldb: gates,
                         dX + t * batch * inputs, ldc: inputs, beta: 0)
            }
        }
        if let dh0 = b.dh0 {  // step 0's dz is in the first buffer
            stepGemm(true, true, m: batch, n: hidden, k: gates, dzSteps, lda: batch, b.wh, ldb: gates, dh0, ldc: hidden,
                     beta: 0)
        }
        // ∂W_hᵀ = DZ·[h_0, …, h_{T−2}] (+ the initial state's part), ∂W_xᵀ = DZ·X, then transposed.
        let (g32, c32, h32) = (Int32(gates), Int32(columns), Int32(hidden))
        if steps > 1 {
            trufl_lstm_weight_gradient(isa, panels, c32, g32, Int32(batch), c32, b.outputs, hidden, h32, transposed,
                                       hidden, 0)
        }
        if let h0 = b.h0 {
            trufl_lstm_weight_gradient(isa, panels, c32, g32, 0, Int32(batch), h0, hidden, h32, transposed, hidden,
                                       steps > 1 ? 1 : 0)
        } else if steps == 1 {
            transposed.update(repeating: 0, count: gates * hidden)
        }
        trufl_transpose(isa, transposed, g32, h32, hidden, b.dWh, gates)
        if inputs > 0 {
            trufl_lstm_weight_gradient(isa, panels, c32, g32, 0, c32, b.x!, inputs, Int32(inputs), transposed, inputs, 0)
            trufl_transpose(isa, transposed, g32, Int32(inputs), inputs, b.dWx!, gates)
        }
        for r in 0..<gates { b.dBias[r] = FusedLSTMKernels.sum(sums + r * 16, count: 16) }
    }

    /// Per step OpenBLAS and the SIMD4 kernels, with the gates' gradient in one matrix `DZᵀ`.
    static func portableBackward(_ s: FusedLSTMShape, _ b: FusedLSTMBackward) {
        let (steps, batch, inputs, hidden, gates, block, dzStride) =
            (s.steps, s.batch, s.inputs, s.hidden, s.gates, s.block, s.dzStride)
        let dz = UnsafeMutablePointer<Float>.allocate(capacity: gates * dzStride)  // DZᵀ, step t at column t·batch
        let dh = UnsafeMutablePointer<Float>.allocate(capacity: steps * block)  // [time][hidden][batch]
        defer { dz.deallocate(); dh.deallocate() }
        for t in 0..<steps {
            FusedLSTMKernels.transpose(b.dOutputs + t * block, rows: batch, columns: hidden, inStride: hidden,
                                       into: dh + t * block, outStride: batch)
        }
        for t in stride(from: steps - 1, through: 0, by: -1) {
            FusedLSTMKernels.backwardStep(a: b.act + t * gates * batch, aStride: batch, tanhC: b.tanhCells + t * block,
                                          cPrev: t == 0 ? b.c0 : b.cells + (t - 1) * block, dh: dh + t * block,
                                          dc: b.dc, dz: dz + t * batch, dzStride: dzStride, batch: batch,
                                          hidden: hidden)
            if t > 0 {
                stepGemm(false, false, m: hidden, n: batch, k: gates, b.wh, lda: gates, dz + t * batch, ldb: dzStride,
                         dh + (t - 1) * block, ldc: batch, beta: 1)
            }
        }
        if let dh0 = b.dh0 {
            stepGemm(true, true, m: batch, n: hidden, k: gates, dz, lda: dzStride, b.wh, ldb: gates, dh0, ldc: hidden,
                     beta: 0)
        }
        weightGradients(s, b, dz: dz)
        if let dX = b.dX, inputs > 0 {
            stepGemm(true, true, m: s.columns, n: inputs, k: gates, dz, lda: dzStride, b.wx!, ldb: gates, dX,
                     ldc: inputs, beta: 0)
        }
    }

    /// The portable path's gradients of `W_h`, `W_x` and the bias from `DZᵀ` as one product: with every
    /// column's `[h_{t−1}, x_t, 1]` gathered into the rows of `XH` (`[time·batch, hidden + inputs + 1]`),
    /// `XHᵀ·DZ` is `[∂W_h; ∂W_x; ∂b]` stacked. One tall sgemm runs faster than three (the `∂W_x` one alone,
    /// with its 32 rows, at two thirds of the big one's rate) and than the bias's row sums, more than paying
    /// for the copy.
    static func weightGradients(_ s: FusedLSTMShape, _ b: FusedLSTMBackward, dz: UnsafePointer<Float>) {
        let (batch, inputs, hidden, gates, rows) = (s.batch, s.inputs, s.hidden, s.gates, s.stackedRows)
        let xh = UnsafeMutablePointer<Float>.allocate(capacity: s.columns * rows)
        let all = UnsafeMutablePointer<Float>.allocate(capacity: rows * gates)
        defer { xh.deallocate(); all.deallocate() }
        for c in 0..<s.columns {
            let row = xh + c * rows
            if c >= batch {
                row.update(from: b.outputs + (c - batch) * hidden, count: hidden)
            } else if let h0 = b.h0 {
                row.update(from: h0 + c * hidden, count: hidden)
            } else {
                row.update(repeating: 0, count: hidden)
            }
            if inputs > 0 { (row + hidden).update(from: b.x! + c * inputs, count: inputs) }
            row[hidden + inputs] = 1
        }
        stepGemm(true, true, m: rows, n: gates, k: s.columns, xh, lda: rows, dz, ldb: s.dzStride, all, ldc: gates,
                 beta: 0)
        b.dWh.update(from: all, count: hidden * gates)
        if inputs > 0 { b.dWx!.update(from: all + hidden * gates, count: inputs * gates) }
        b.dBias.update(from: all + (hidden + inputs) * gates, count: gates)
    }
}

/// What the backward (``FusedLSTMSteps/backward(_:_:kernels:)``) reads and writes; `[…]` layouts as in
/// ``FusedLSTMSteps/forward(_:x:wx:wh:bias:h0:c0:act:cells:tanhCells:outputs:kernels:)``. Optional
/// inputs are nil when `inputs` is 0 (`x`, `wx`) or without an initial state (`h0`, batch-major
/// `[batch, hidden]`); optional outputs are nil when not wanted.
struct FusedLSTMBackward {
    let wh: UnsafePointer<Float>, wx: UnsafePointer<Float>?
    let act: UnsafePointer<Float>, cells: UnsafePointer<Float>, tanhCells: UnsafePointer<Float>
    let c0: UnsafePointer<Float>, h0: UnsafePointer<Float>?, x: UnsafePointer<Float>?, outputs: UnsafePointer<Float>
    /// The outputs' gradient, `[time][batch][hidden]`.
    let dOutputs: UnsafePointer<Float>
    /// The final cell's gradient `[hidden][batch]` on entry, the initial cell's on return.
    let dc: UnsafeMutablePointer<Float>
    let dWh: UnsafeMutablePointer<Float>, dWx: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>
    let dX: UnsafeMutablePointer<Float>?, dh0: UnsafeMutablePointer<Float>?
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
    /// few cache sets, and the kernels' backward reads a whole step's block per panel.
    var dzStride: Int { columns + 16 }
    /// The rows of the operand `[h; x; 1]ᵀ` (the kernels' forward's per step, the weights' gradient's).
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
