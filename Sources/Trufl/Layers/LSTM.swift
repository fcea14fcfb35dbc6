/// One LSTM layer, unrolled over time on the tape (gates in the order input, forget, cell, output).
public struct LSTM: Layer {
    /// `[inputs, 4·hidden]`.
    public let inputWeight: Parameter
    /// `[hidden, 4·hidden]`.
    public let hiddenWeight: Parameter
    /// `[4·hidden]`; the forget gate's part starts at 1.
    public let bias: Parameter

    /// The recurrent state: hidden output and cell, each `[batch, hidden]`.
    public struct State {
        public var hidden: Var
        public var cell: Var
        public init(hidden: Var, cell: Var) { self.hidden = hidden; self.cell = cell }
    }

    public init(inputs: Int, hidden: Int, name: String, random: inout RandomSource) {
        let bound = 1 / Float(hidden).squareRoot()
        inputWeight = Parameter(name: "\(name).inputWeight",
                                value: Tensor.uniform([inputs, 4 * hidden], low: -bound, high: bound, using: &random))
        hiddenWeight = Parameter(name: "\(name).hiddenWeight",
                                 value: Tensor.uniform([hidden, 4 * hidden], low: -bound, high: bound, using: &random))
        var b = Tensor.zeros([4 * hidden])
        for j in hidden..<(2 * hidden) { b.scalars[j] = 1 }
        bias = Parameter(name: "\(name).bias", value: b)
    }

    public var inputs: Int { inputWeight.shape[0] }
    public var hiddenSize: Int { hiddenWeight.shape[0] }
    public var parameters: [Parameter] { [inputWeight, hiddenWeight, bias] }

    /// Zeros for a batch.
    public func zeroState(batch: Int, on tape: Tape) -> State {
        let z = tape.constant(Tensor.zeros([batch, hiddenSize]))
        return State(hidden: z, cell: z)
    }

    /// One time step from pre-computed input projections `xw = x·W_x` (`[batch, 4·hidden]`).
    func step(projected xw: Var, _ state: State) -> State {
        let tape = xw.tape
        let h = hiddenSize
        let z = xw + state.hidden.matmul(tape[hiddenWeight]) + tape[bias]
        let i = z.slice(axis: 1, 0..<h).sigmoid()
        let f = z.slice(axis: 1, h..<(2 * h)).sigmoid()
        let g = z.slice(axis: 1, (2 * h)..<(3 * h)).tanh()
        let o = z.slice(axis: 1, (3 * h)..<(4 * h)).sigmoid()
        let c = f * state.cell + i * g
        return State(hidden: o * c.tanh(), cell: c)
    }

    /// One time step for input `x: [batch, inputs]`.
    public func step(_ x: Var, _ state: State) -> State {
        step(projected: x.matmul(x.tape[inputWeight]), state)
    }

    /// Runs over `sequence: [time, batch, inputs]`; returns every step's hidden output `[time, batch, hidden]`
    /// and the final state. The whole sequence is one tape node (see `FusedLSTM.swift`): the input projection
    /// is one matrix product for all steps, each step one product and one fused elementwise pass.
    public func callAsFunction(_ sequence: Var, initial: State? = nil) -> (outputs: Var, final: State) {
        guard sequence.shape.rank == 3, sequence.shape[2] == inputs else {
            fatalError("LSTM '\(inputWeight.name)': input shape \(sequence.shape) is not [time, batch, \(inputs)]")
        }
        if sequence.shape[0] > 0 && sequence.shape[1] > 0 && hiddenSize > 0 {
            return fused(sequence, initial: initial)
        }
        return unrolled(sequence, initial: initial)
    }

    /// The same as ``callAsFunction(_:initial:)``, unrolled step by step on the tape with ``step(_:_:)``'s
    /// operations: the reference the fused node is tested against.
    func unrolled(_ sequence: Var, initial: State? = nil) -> (outputs: Var, final: State) {
        guard sequence.shape.rank == 3, sequence.shape[2] == inputs else {
            fatalError("LSTM '\(inputWeight.name)': input shape \(sequence.shape) is not [time, batch, \(inputs)]")
        }
        let (steps, batch) = (sequence.shape[0], sequence.shape[1])
        let tape = sequence.tape
        let projected = sequence.matmul(tape[inputWeight])
        var state = initial ?? zeroState(batch: batch, on: tape)
        var outputs: [Var] = []
        outputs.reserveCapacity(steps)
        for t in 0..<steps {
            let xw = projected.slice(axis: 0, t..<(t + 1)).reshaped([batch, 4 * hiddenSize])
            state = step(projected: xw, state)
            outputs.append(state.hidden.reshaped([1, batch, hiddenSize]))
        }
        return (Var.concat(outputs, axis: 0), state)
    }
}
