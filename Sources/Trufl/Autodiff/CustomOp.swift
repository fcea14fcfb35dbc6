/// An operation the engine does not have, with a hand-written backward.
extension Tape {
    /// Records `value` as computed from `inputs`; `backward(g)` returns, for each input, its gradient
    /// (same shape as that input) or `nil` for none. Check new backwards with ``checkGradients(_:step:tolerance:seed:_:)``.
    public func custom(inputs: [Var], value: Tensor, backward: @escaping (Tensor) -> [Tensor?]) -> Var {
        custom(inputs: inputs, values: [value]) { gs in backward(gs[0]!) }[0]
    }

    /// Records an operation with several outputs (`values`, one node each) computed together from `inputs`.
    /// `backward` runs once, after every output's gradient is complete, with those gradients in the order
    /// of `values` (nil for an output that received none; at least one is not nil), and returns each
    /// input's gradient or nil.
    public func custom(inputs: [Var], values: [Tensor], backward: @escaping ([Tensor?]) -> [Tensor?]) -> [Var] {
        guard !values.isEmpty else { fatalError("custom: an operation needs at least one output") }
        for v in inputs where v.tape !== self { fatalError("custom: an input of shape \(v.shape) is on another tape") }
        let needs = inputs.contains { $0.requiresGradient }
        // The further outputs are recorded after the first, so the reverse walk reaches them first and
        // their gradients are complete when the first node's backward runs.
        let first = self.values.count
        let outputs = Array((first + 1)..<(first + values.count))
        var nodes = [record(values[0], .custom(inputs.map { $0.index }, outputs: outputs, backward), needsGrad: needs)]
        for value in values.dropFirst() { nodes.append(record(value, .output(of: first), needsGrad: needs)) }
        return nodes
    }

    func backwardCustom(_ i: Int, _ inputs: [Int], _ outputs: [Int], _ backward: ([Tensor?]) -> [Tensor?],
                        _ g: Tensor?) {
        var outputGradients = [g]
        for o in outputs {
            outputGradients.append(grads[o])
            grads[o] = nil
        }
        let gs = backward(outputGradients)
        guard gs.count == inputs.count else {
            fatalError("custom op: backward returned \(gs.count) gradients for \(inputs.count) inputs")
        }
        for (x, gx) in zip(inputs, gs) {
            if let gx {
                guard gx.shape == values[x].shape else {
                    fatalError("custom op: gradient of shape \(gx.shape) for an input of shape \(values[x].shape)")
                }
                accumulate(x, gx)
            }
        }
    }

    /// Whether node i or one of its further outputs has a gradient (so that its backward must run).
    func hasGradient(_ i: Int) -> Bool {
        if grads[i] != nil { return true }
        if case let .custom(_, outputs, _) = ops[i] { return outputs.contains { grads[$0] != nil } }
        return false
    }
}
