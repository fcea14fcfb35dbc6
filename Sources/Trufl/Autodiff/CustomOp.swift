/// An operation the engine does not have, with a hand-written backward.
extension Tape {
    /// Records `value` as computed from `inputs`; `backward(g)` returns, for each input, its gradient
    /// (same shape as that input) or `nil` for none. Check new backwards with ``checkGradients(_:step:tolerance:seed:_:)``.
    public func custom(inputs: [Var], value: Tensor, backward: @escaping (Tensor) -> [Tensor?]) -> Var {
        for v in inputs where v.tape !== self { fatalError("custom: an input of shape \(v.shape) is on another tape") }
        return record(value, .custom(inputs.map { $0.index }, backward),
                      needsGrad: inputs.contains { $0.requiresGradient })
    }

    func backwardCustom(_ inputs: [Int], _ backward: (Tensor) -> [Tensor?], _ g: Tensor) {
        let gs = backward(g)
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
}
