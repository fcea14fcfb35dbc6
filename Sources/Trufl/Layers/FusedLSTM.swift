/// The whole-sequence LSTM as one tape node (``LSTM/callAsFunction(_:initial:)``).
///
/// Unrolled on the tape, a step is a dozen nodes (a product, two sums, four slices, five activations, the
/// cell arithmetic), each with its own result and gradient tensors. Here the sequence is one custom node:
///
/// - **forward**: one product `X·W_x` for all steps into a `[time, batch, 4·hidden]` gate buffer; then per
///   step one product `h_{t−1}·W_h` added into that step's block (sgemm with β = 1) and one fused
///   elementwise pass (``FusedLSTMKernels/forwardStep(z:bias:cPrev:c:tanhC:h:batch:hidden:)``) that adds
///   the bias, applies the activations in place, and writes the cell, its tanh and the hidden output;
/// - **backward**: in reverse, per step the fused elementwise backward (which also sums the bias gradient)
///   and one product `dz_t·W_hᵀ` added into the previous step's hidden gradient; then one product each
///   for `∂W_h = H_{0‥T−2}ᵀ·DZ_{1‥T−1}` (+ `h₀ᵀ·DZ₀`), `∂W_x = Xᵀ·DZ` and `∂X = DZ·W_xᵀ`.
///
/// The final cell is a second node, recorded after the first, whose backward only hands its gradient to
/// the first (so the tape's reverse order delivers it first); the final hidden state is a slice of the
/// outputs. The unfused step-by-step form stays as ``LSTM/unrolled(_:initial:)`` (the tests' reference).
extension LSTM {
    /// The fused form of ``callAsFunction(_:initial:)``; `sequence` is `[time, batch, inputs]`, time ≥ 1.
    func fused(_ sequence: Var, initial: State?) -> (outputs: Var, final: State) {
        let tape = sequence.tape
        let (steps, batch, inputs, hidden) = (sequence.shape[0], sequence.shape[1], self.inputs, hiddenSize)
        let gates = 4 * hidden
        if let initial {
            for v in [initial.hidden, initial.cell] where v.shape != [batch, hidden] {
                fatalError("LSTM '\(inputWeight.name)': initial state of shape \(v.shape) is not [\(batch), \(hidden)]")
            }
        }
        let wxVar = tape[inputWeight], whVar = tape[hiddenWeight], biasVar = tape[bias]
        let x = sequence.value, wx = wxVar.value, wh = whVar.value, b = biasVar.value
        let h0 = initial?.hidden.value, c0 = initial?.cell.value

        let blockH = batch * hidden, blockZ = batch * gates
        var z = Self.uninitialised(steps * blockZ)
        var cells = Self.uninitialised(steps * blockH)
        var tanhCells = Self.uninitialised(steps * blockH)
        var out = Self.uninitialised(steps * blockH)
        let zeros = [Float](repeating: 0, count: initial == nil ? blockH : 0)
        z.withUnsafeMutableBufferPointer { zb in
        cells.withUnsafeMutableBufferPointer { cb in
        tanhCells.withUnsafeMutableBufferPointer { tb in
        out.withUnsafeMutableBufferPointer { ob in
        x.scalars.withUnsafeBufferPointer { xb in
        wx.scalars.withUnsafeBufferPointer { wxb in
        wh.scalars.withUnsafeBufferPointer { whb in
        b.scalars.withUnsafeBufferPointer { bb in
        Self.withPointers(h0, c0, zeros) { h0p, c0p in
            let zp = zb.baseAddress!, cp = cb.baseAddress!, tp = tb.baseAddress!, op = ob.baseAddress!
            if inputs > 0 {
                Tensor.gemm(xb.baseAddress!, wxb.baseAddress!, zp, m: steps * batch, n: gates, k: inputs,
                            transposeA: false, transposeB: false)
            } else {
                zp.update(repeating: 0, count: steps * blockZ)
            }
            for t in 0..<steps {
                let zt = zp + t * blockZ
                if let hPrev = t == 0 ? h0p : UnsafePointer(op + (t - 1) * blockH) {
                    Tensor.gemm(hPrev, whb.baseAddress!, zt, m: batch, n: gates, k: hidden,
                                transposeA: false, transposeB: false, accumulate: true)
                }
                FusedLSTMKernels.forwardStep(z: zt, bias: bb.baseAddress!,
                                             cPrev: t == 0 ? c0p : UnsafePointer(cp + (t - 1) * blockH),
                                             c: cp + t * blockH, tanhC: tp + t * blockH, h: op + t * blockH,
                                             batch: batch, hidden: hidden)
            }
        }}}}}}}}}

        let finalCellGradient = GradientSlot()
        let wantsX = sequence.requiresGradient
        let wantsH0 = initial?.hidden.requiresGradient ?? false, wantsC0 = initial?.cell.requiresGradient ?? false
        var nodeInputs = [sequence, wxVar, whVar, biasVar]
        if let initial { nodeInputs += [initial.hidden, initial.cell] }
        let hasInitial = initial != nil  // the backward must not capture a Var (it holds the tape)
        let activations = z, cellValues = cells, tanhValues = tanhCells, hiddenValues = out
        let outputs = tape.custom(inputs: nodeInputs, value: Tensor(shape: [steps, batch, hidden], scalars: out)) { g in
            let dcFinal = finalCellGradient.take()
            var dH = g.scalars
            var dc = dcFinal?.scalars ?? [Float](repeating: 0, count: blockH)
            var dz = Self.uninitialised(steps * blockZ)
            var dBias = Tensor.zeros([gates])
            var dWx = Tensor.zeros([inputs, gates]), dWh = Tensor.zeros([hidden, gates])
            var dX: Tensor? = wantsX ? Tensor.zeros([steps, batch, inputs]) : nil
            var dh0: Tensor? = wantsH0 ? Tensor.zeros([batch, hidden]) : nil
            activations.withUnsafeBufferPointer { ab in
            cellValues.withUnsafeBufferPointer { cb in
            tanhValues.withUnsafeBufferPointer { tb in
            hiddenValues.withUnsafeBufferPointer { ob in
            dH.withUnsafeMutableBufferPointer { dhb in
            dc.withUnsafeMutableBufferPointer { dcb in
            dz.withUnsafeMutableBufferPointer { dzb in
            dBias.scalars.withUnsafeMutableBufferPointer { dbb in
            wh.scalars.withUnsafeBufferPointer { whb in
            Self.withPointers(h0, c0, zeros) { h0p, c0p in
                let ap = ab.baseAddress!, cp = cb.baseAddress!, tp = tb.baseAddress!
                let dhp = dhb.baseAddress!, dzp = dzb.baseAddress!, whp = whb.baseAddress!
                for t in stride(from: steps - 1, through: 0, by: -1) {
                    let dzt = dzp + t * blockZ
                    FusedLSTMKernels.backwardStep(a: ap + t * blockZ, tanhC: tp + t * blockH,
                                                  cPrev: t == 0 ? c0p : cp + (t - 1) * blockH,
                                                  dh: dhp + t * blockH, dc: dcb.baseAddress!, dz: dzt,
                                                  dBias: dbb.baseAddress!, batch: batch, hidden: hidden)
                    if t > 0 {
                        Tensor.gemm(dzt, whp, dhp + (t - 1) * blockH, m: batch, n: hidden, k: gates,
                                    transposeA: false, transposeB: true, accumulate: true)
                    }
                }
                if wantsH0 {
                    dh0!.scalars.withUnsafeMutableBufferPointer {
                        Tensor.gemm(dzp, whp, $0.baseAddress!, m: batch, n: hidden, k: gates,
                                    transposeA: false, transposeB: true)
                    }
                }
                dWh.scalars.withUnsafeMutableBufferPointer { dwb in
                    if steps > 1 {
                        Tensor.gemm(ob.baseAddress!, dzp + blockZ, dwb.baseAddress!, m: hidden, n: gates,
                                    k: (steps - 1) * batch, transposeA: true, transposeB: false)
                    }
                    if let h0p {
                        Tensor.gemm(h0p, dzp, dwb.baseAddress!, m: hidden, n: gates, k: batch,
                                    transposeA: true, transposeB: false, accumulate: steps > 1)
                    }
                }
                guard inputs > 0 else { return }
                x.scalars.withUnsafeBufferPointer { xb in
                    dWx.scalars.withUnsafeMutableBufferPointer {
                        Tensor.gemm(xb.baseAddress!, dzp, $0.baseAddress!, m: inputs, n: gates, k: steps * batch,
                                    transposeA: true, transposeB: false)
                    }
                }
                if wantsX {
                    wx.scalars.withUnsafeBufferPointer { wxb in
                        dX!.scalars.withUnsafeMutableBufferPointer {
                            Tensor.gemm(dzp, wxb.baseAddress!, $0.baseAddress!, m: steps * batch, n: inputs,
                                        k: gates, transposeA: false, transposeB: true)
                        }
                    }
                }
            }}}}}}}}}}
            var grads: [Tensor?] = [dX, dWx, dWh, dBias]
            if hasInitial {
                grads.append(dh0)
                grads.append(wantsC0 ? Tensor(shape: [batch, hidden], scalars: dc) : nil)
            }
            return grads
        }

        let lastCell = Tensor(shape: [batch, hidden], scalars: Array(cells[((steps - 1) * blockH)...]))
        let outputsIndex = outputs.index
        let finalCell = tape.custom(inputs: [outputs], value: lastCell) { [unowned tape] g in
            finalCellGradient.put(g)
            // The outputs' node runs its backward only if it has a gradient: give it zeros if nothing else did.
            return [tape.grads[outputsIndex] == nil ? Tensor.zeros([steps, batch, hidden]) : nil]
        }
        let finalHidden = outputs.slice(axis: 0, (steps - 1)..<steps).reshaped([batch, hidden])
        return (outputs, State(hidden: finalHidden, cell: finalCell))
    }

    static func uninitialised(_ n: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: n) { _, count in count = n }
    }

    /// Pointers to the initial hidden state (`nil` for none: zero) and cell (`zeros` for none).
    static func withPointers(_ h0: Tensor?, _ c0: Tensor?, _ zeros: [Float],
                             _ body: (UnsafePointer<Float>?, UnsafePointer<Float>) -> Void) {
        if let h0, let c0 {
            h0.scalars.withUnsafeBufferPointer { hb in
                c0.scalars.withUnsafeBufferPointer { cb in body(hb.baseAddress!, cb.baseAddress!) }
            }
        } else {
            zeros.withUnsafeBufferPointer { body(nil, $0.baseAddress!) }
        }
    }
}

/// The final cell's gradient, handed from its node's backward to the sequence node's (one backward pass).
final class GradientSlot: @unchecked Sendable {
    private var gradient: Tensor?
    func put(_ g: Tensor) { if gradient == nil { gradient = g } else { gradient!.addInPlace(g) } }
    func take() -> Tensor? { defer { gradient = nil }; return gradient }
}
