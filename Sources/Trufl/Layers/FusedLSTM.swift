import CTruflKernels
/// The whole-sequence LSTM as one tape node (``LSTM/callAsFunction(_:initial:)``).
///
/// Unrolled on the tape, a step is a dozen nodes (a product, two sums, four slices, five activations, the
/// cell arithmetic), each with its own result and gradient tensors. Here the sequence is one custom node.
/// Inside it everything is unit-major: each step's gates are a `[4·hidden, batch]` block of the activations
/// (`[time][4·hidden][batch]`), its cells and hidden state `[hidden, batch]` blocks, so that a step's
/// products are tall `[4·hidden, ·]·[·, batch]` ones, measured faster for this skinny batch than the
/// batch-major `[batch, ·]·W` form. The loops over steps are ``FusedLSTMSteps``, in two implementations:
///
/// - **kernels** (AVX-512 or AVX2, bit-identical, `Sources/CTruflKernels/`): weights packed once per call; per
///   step one kernel that multiplies `[W_h; W_x; b]` with `[h_{t−1}; x_t; 1]` and finishes with the cell
///   update (forward), or computes `dh_t = ∂out_t + W_h·dz_{t+1}` and finishes with the cell's backward
///   (backward); the weights' gradients are blocked products over the gates' gradients filed in panels.
/// - **portable**: per step OpenBLAS sgemms and the SIMD4 kernels of ``FusedLSTMKernels``; the weights'
///   gradients one sgemm over `DZᵀ`.
///
/// The final cell is a second node, recorded after the first, whose backward only hands its gradient to
/// the first (the tape's reverse order delivers it first); the final hidden state is a slice of the
/// outputs. The unfused step-by-step form stays as ``LSTM/unrolled(_:initial:)`` (the tests' reference).
extension LSTM {
    /// The fused form of ``callAsFunction(_:initial:)``; `sequence` is `[time, batch, inputs]`, all ≥ 1
    /// except `inputs`. `kernels` chooses the implementation of the recurrence (``FusedLSTMSteps``): the C
    /// kernels in that instruction set, or the portable path for nil or one this CPU cannot run.
    func fused(_ sequence: Var, initial: State?,
               kernels: trufl_isa? = FusedLSTMSteps.isa) -> (outputs: Var, final: State) {
        let tape = sequence.tape
        let kernels = kernels.flatMap { FusedLSTMSteps.runs($0) ? $0 : nil }
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
        let shape = FusedLSTMShape(steps: steps, batch: batch, inputs: inputs, hidden: hidden)
        let columns = shape.columns, block = shape.block

        var z = Self.uninitialised(gates * columns)  // [time][4·hidden][batch]: the activations
        var cells = Self.uninitialised(steps * block)  // [time][hidden][batch]
        var tanhCells = Self.uninitialised(steps * block)
        var out = Self.uninitialised(steps * block)  // [time][batch][hidden]
        var c0T = [Float](repeating: 0, count: block)  // [hidden][batch]
        z.withUnsafeMutableBufferPointer { zb in
        cells.withUnsafeMutableBufferPointer { cb in
        tanhCells.withUnsafeMutableBufferPointer { tb in
        out.withUnsafeMutableBufferPointer { ob in
        c0T.withUnsafeMutableBufferPointer { c0b in
        x.scalars.withUnsafeBufferPointer { xb in
        wx.scalars.withUnsafeBufferPointer { wxb in
        wh.scalars.withUnsafeBufferPointer { whb in
        b.scalars.withUnsafeBufferPointer { bb in
            let h0T = UnsafeMutablePointer<Float>.allocate(capacity: block)
            defer { h0T.deallocate() }
            if let h0 {
                h0.scalars.withUnsafeBufferPointer {
                    FusedLSTMKernels.transpose($0.baseAddress!, rows: batch, columns: hidden, inStride: hidden,
                                               into: h0T, outStride: batch)
                }
                c0!.scalars.withUnsafeBufferPointer {
                    FusedLSTMKernels.transpose($0.baseAddress!, rows: batch, columns: hidden, inStride: hidden,
                                               into: c0b.baseAddress!, outStride: batch)
                }
            }
            let withInputs = inputs > 0
            FusedLSTMSteps.forward(shape, x: withInputs ? xb.baseAddress! : nil, wx: withInputs ? wxb.baseAddress! : nil,
                                   wh: whb.baseAddress!, bias: bb.baseAddress!,
                                   h0: h0 == nil ? nil : UnsafePointer(h0T),
                                   c0: c0b.baseAddress!, act: zb.baseAddress!, cells: cb.baseAddress!,
                                   tanhCells: tb.baseAddress!, outputs: ob.baseAddress!, kernels: kernels)
        }}}}}}}}}

        let finalCellGradient = GradientSlot()
        let wantsX = sequence.requiresGradient
        let wantsH0 = initial?.hidden.requiresGradient ?? false, wantsC0 = initial?.cell.requiresGradient ?? false
        var nodeInputs = [sequence, wxVar, whVar, biasVar]
        if let initial { nodeInputs += [initial.hidden, initial.cell] }
        let hasInitial = initial != nil  // the backward must not capture a Var (it holds the tape)
        let activations = z, cellValues = cells, tanhValues = tanhCells, hiddenValues = out, initialCell = c0T
        let outputs = tape.custom(inputs: nodeInputs, value: Tensor(shape: [steps, batch, hidden], scalars: out)) { g in
            let dcFinal = finalCellGradient.take()
            var dBias = Self.uninitialised(gates)
            var dWx = Self.uninitialised(inputs * gates), dWh = Self.uninitialised(hidden * gates)
            var dX = Self.uninitialised(wantsX ? columns * inputs : 0)
            var dh0 = Self.uninitialised(wantsH0 ? block : 0)
            var dc0 = Self.uninitialised(block)
            activations.withUnsafeBufferPointer { ab in
            cellValues.withUnsafeBufferPointer { cb in
            tanhValues.withUnsafeBufferPointer { tb in
            hiddenValues.withUnsafeBufferPointer { ob in
            initialCell.withUnsafeBufferPointer { c0b in
            g.scalars.withUnsafeBufferPointer { gb in
            wh.scalars.withUnsafeBufferPointer { whb in
            wx.scalars.withUnsafeBufferPointer { wxb in
            x.scalars.withUnsafeBufferPointer { xb in
            (h0?.scalars ?? []).withUnsafeBufferPointer { h0b in
            dWh.withUnsafeMutableBufferPointer { dwh in
            dWx.withUnsafeMutableBufferPointer { dwx in
            dBias.withUnsafeMutableBufferPointer { db in
            dX.withUnsafeMutableBufferPointer { dxb in
            dh0.withUnsafeMutableBufferPointer { dh0b in
            dc0.withUnsafeMutableBufferPointer { dc0b in
                let dc = UnsafeMutablePointer<Float>.allocate(capacity: block)  // [hidden][batch]
                defer { dc.deallocate() }
                if let dcFinal {
                    dcFinal.scalars.withUnsafeBufferPointer {
                        FusedLSTMKernels.transpose($0.baseAddress!, rows: batch, columns: hidden, inStride: hidden,
                                                   into: dc, outStride: batch)
                    }
                } else {
                    dc.initialize(repeating: 0, count: block)
                }
                let withInputs = inputs > 0
                let buffers = FusedLSTMBackward(
                    wh: whb.baseAddress!, wx: withInputs ? wxb.baseAddress! : nil, act: ab.baseAddress!,
                    cells: cb.baseAddress!, tanhCells: tb.baseAddress!, c0: c0b.baseAddress!,
                    h0: h0 == nil ? nil : h0b.baseAddress!, x: withInputs ? xb.baseAddress! : nil,
                    outputs: ob.baseAddress!, dOutputs: gb.baseAddress!, dc: dc, dWh: dwh.baseAddress!,
                    dWx: withInputs ? dwx.baseAddress! : nil, dBias: db.baseAddress!,
                    dX: wantsX && withInputs ? dxb.baseAddress! : nil, dh0: wantsH0 ? dh0b.baseAddress! : nil)
                FusedLSTMSteps.backward(shape, buffers, kernels: kernels)
                FusedLSTMKernels.transpose(dc, rows: hidden, columns: batch, inStride: batch,
                                           into: dc0b.baseAddress!, outStride: hidden)
            }}}}}}}}}}}}}}}}
            var grads: [Tensor?] = [wantsX ? Tensor(shape: [steps, batch, inputs], scalars: dX) : nil,
                                    Tensor(shape: [inputs, gates], scalars: dWx),
                                    Tensor(shape: [hidden, gates], scalars: dWh),
                                    Tensor(shape: [gates], scalars: dBias)]
            if hasInitial {
                grads.append(wantsH0 ? Tensor(shape: [batch, hidden], scalars: dh0) : nil)
                grads.append(wantsC0 ? Tensor(shape: [batch, hidden], scalars: dc0) : nil)
            }
            return grads
        }

        var lastCell = Tensor.zeros([batch, hidden])
        cells.withUnsafeBufferPointer { cb in
            lastCell.scalars.withUnsafeMutableBufferPointer {
                FusedLSTMKernels.transpose(cb.baseAddress! + (steps - 1) * block, rows: hidden, columns: batch,
                                           inStride: batch, into: $0.baseAddress!, outStride: hidden)
            }
        }
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
}

/// The final cell's gradient, handed from its node's backward to the sequence node's (one backward pass).
final class GradientSlot: @unchecked Sendable {
    private var gradient: Tensor?
    func put(_ g: Tensor) { if gradient == nil { gradient = g } else { gradient!.addInPlace(g) } }
    func take() -> Tensor? { defer { gradient = nil }; return gradient }
}
