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
/// The hidden states and the final cell are the two outputs of one node (``Tape/custom(inputs:values:backward:)``),
/// whose backward receives both gradients; the final hidden state is a slice of the outputs. Buffers are
/// pinned once (``withBaseAddresses(_:_:)``, ``KernelBuffer``). The unfused step-by-step form stays as ``LSTM/unrolled(_:initial:)`` (the tests' reference).
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
        let (columns, block, withInputs) = (shape.columns, shape.block, inputs > 0)

        // Forward. The activations, cells and their tanh are kept for the backward; the initial state is
        // transposed to [hidden][batch] (zeros without one).
        let activations = KernelBuffer(gates * columns)  // [time][4·hidden][batch]
        let cells = KernelBuffer(steps * block), tanhCells = KernelBuffer(steps * block)  // [time][hidden][batch]
        let initialCell = KernelBuffer(block, zeroed: true)
        let initialHidden = h0.map { Self.transposed($0, batch: batch, hidden: hidden) }
        if let c0 { c0.scalars.withUnsafeBufferPointer { Self.transpose($0.baseAddress!, batch, hidden, into: initialCell.pointer) } }
        let outputsValue = Tensor(shape: [steps, batch, hidden]) { out in  // [time][batch][hidden]
            withBaseAddresses([x.scalars, wx.scalars, wh.scalars, b.scalars]) { p in
                FusedLSTMSteps.forward(shape, x: withInputs ? p[0] : nil, wx: withInputs ? p[1] : nil, wh: p[2]!,
                                       bias: p[3]!, h0: initialHidden.map { UnsafePointer($0.pointer) },
                                       c0: initialCell.pointer, act: activations.pointer, cells: cells.pointer,
                                       tanhCells: tanhCells.pointer, outputs: out.baseAddress!, kernels: kernels)
            }
        }
        let lastCell = Tensor(shape: [batch, hidden]) {
            FusedLSTMKernels.transpose(cells.pointer + (steps - 1) * block, rows: hidden, columns: batch,
                                       inStride: batch, into: $0.baseAddress!, outStride: hidden)
        }

        // One node with two outputs, the hidden states and the final cell; its backward gets both gradients.
        let wantsX = sequence.requiresGradient
        let wantsH0 = initial?.hidden.requiresGradient ?? false, wantsC0 = initial?.cell.requiresGradient ?? false
        var nodeInputs = [sequence, wxVar, whVar, biasVar]
        if let initial { nodeInputs += [initial.hidden, initial.cell] }
        let hasInitial = initial != nil  // the backward must not capture a Var (it holds the tape)
        let hiddenValues = outputsValue.scalars
        let nodes = tape.custom(inputs: nodeInputs, values: [outputsValue, lastCell]) { g in
            let dOutputs = g[0]?.scalars ?? [Float](repeating: 0, count: steps * block)
            // The final cell's gradient [hidden][batch] on entry, the initial cell's on return.
            let dc = g[1].map { Self.transposed($0, batch: batch, hidden: hidden) } ?? KernelBuffer(block, zeroed: true)
            let dBias = KernelBuffer(gates), dWx = KernelBuffer(inputs * gates), dWh = KernelBuffer(hidden * gates)
            let dX = KernelBuffer(wantsX ? columns * inputs : 0), dh0 = KernelBuffer(wantsH0 ? block : 0)
            withBaseAddresses([wh.scalars, wx.scalars, x.scalars, h0?.scalars ?? [], hiddenValues, dOutputs]) { p in
                let buffers = FusedLSTMBackward(
                    wh: p[0]!, wx: withInputs ? p[1] : nil, act: activations.pointer, cells: cells.pointer,
                    tanhCells: tanhCells.pointer, c0: initialCell.pointer, h0: h0 == nil ? nil : p[3],
                    x: withInputs ? p[2] : nil, outputs: p[4]!, dOutputs: p[5]!, dc: dc.pointer, dWh: dWh.pointer,
                    dWx: withInputs ? dWx.pointer : nil, dBias: dBias.pointer,
                    dX: wantsX && withInputs ? dX.pointer : nil, dh0: wantsH0 ? dh0.pointer : nil)
                FusedLSTMSteps.backward(shape, buffers, kernels: kernels)
            }
            var grads: [Tensor?] = [wantsX ? dX.tensor([steps, batch, inputs]) : nil, dWx.tensor([inputs, gates]),
                                    dWh.tensor([hidden, gates]), dBias.tensor([gates])]
            if hasInitial {
                grads.append(wantsH0 ? dh0.tensor([batch, hidden]) : nil)
                grads.append(wantsC0 ? Tensor(shape: [batch, hidden]) {
                    FusedLSTMKernels.transpose(dc.pointer, rows: hidden, columns: batch, inStride: batch,
                                               into: $0.baseAddress!, outStride: hidden)
                } : nil)
            }
            return grads
        }
        let (outputs, finalCell) = (nodes[0], nodes[1])
        let finalHidden = outputs.slice(axis: 0, (steps - 1)..<steps).reshaped([batch, hidden])
        return (outputs, State(hidden: finalHidden, cell: finalCell))
    }

    /// A `[batch, hidden]` state transposed into `[hidden][batch]`.
    static func transpose(_ state: UnsafePointer<Float>, _ batch: Int, _ hidden: Int, into target: UnsafeMutablePointer<Float>) {
        FusedLSTMKernels.transpose(state, rows: batch, columns: hidden, inStride: hidden, into: target, outStride: batch)
    }

    /// A `[batch, hidden]` state transposed into a new `[hidden][batch]` buffer.
    static func transposed(_ state: Tensor, batch: Int, hidden: Int) -> KernelBuffer {
        let buffer = KernelBuffer(batch * hidden)
        state.scalars.withUnsafeBufferPointer { transpose($0.baseAddress!, batch, hidden, into: buffer.pointer) }
        return buffer
    }
}
