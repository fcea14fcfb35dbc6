/// Reshaping, transposing, slicing, joining and broadcasting variables.
extension Var {
    /// The same elements under another shape (no copy).
    public func reshaped(_ newShape: Shape) -> Var {
        tape.record(value.reshaped(newShape), .reshape(index), needsGrad: requiresGradient)
    }

    /// The same elements under another shape; one dimension may be `-1` (whatever the rest leaves).
    public func reshaped(_ dimensions: [Int]) -> Var {
        reshaped(Tensor.resolve(dimensions, count: value.count, from: shape))
    }

    /// The dimensions reordered: result dimension `i` is dimension `axes[i]`.
    public func permuted(_ axes: [Int]) -> Var {
        tape.record(value.permuted(axes), .permute(index, axes), needsGrad: requiresGradient)
    }

    /// The last two dimensions swapped.
    public func transposed() -> Var {
        let r = shape.rank
        guard r >= 2 else { fatalError("transposed: needs rank ≥ 2, got \(shape)") }
        var axes = Array(0..<r)
        axes.swapAt(r - 1, r - 2)
        return permuted(axes)
    }

    /// Elements `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Var {
        let a = shape.axis(axis, op: "slice")
        return tape.record(value.slice(axis: a, range), .slice(index, axis: a, start: range.lowerBound),
                           needsGrad: requiresGradient)
    }

    /// Stretched to `target` by broadcasting (the gradient sums back).
    public func broadcast(to target: Shape) -> Var {
        tape.record(value.broadcast(to: target), .broadcast(index), needsGrad: requiresGradient)
    }

    /// Variables joined along `axis`.
    public static func concat(_ parts: [Var], axis: Int) -> Var {
        guard let first = parts.first else { fatalError("concat: no variables") }
        let tape = first.tape
        for p in parts where p.tape !== tape { fatalError("concat: parts \(first.shape) and \(p.shape) are on different tapes") }
        let a = first.shape.axis(axis, op: "concat")
        let out = Tensor.concat(parts.map { $0.value }, axis: a)
        return tape.record(out, .concat(parts.map { $0.index }, axis: a),
                           needsGrad: parts.contains { $0.requiresGradient })
    }
}

extension Tape {
    func backwardPermute(_ x: Int, _ axes: [Int], _ g: Tensor) {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        accumulate(x, g.permuted(inverse))
    }

    func backwardSlice(_ x: Int, _ axis: Int, _ start: Int, _ g: Tensor) {
        guard needsGrad[x] else { return }
        // Add into the parent's gradient in place: a recurrent loop slices one big tensor once per step,
        // and a full-size zero tensor per slice made backward quadratic in the sequence length.
        if grads[x] == nil { grads[x] = Tensor.zeros(values[x].shape) }
        grads[x]!.addSlice(g, axis: axis, start: start)
    }

    func backwardConcat(_ parts: [Int], _ axis: Int, _ g: Tensor) {
        var start = 0
        for p in parts {
            let len = values[p].shape[axis]
            if needsGrad[p] { accumulate(p, g.slice(axis: axis, start..<(start + len))) }
            start += len
        }
    }
}
