/// What a tape node was computed by: its inputs (node indices) and what its backward needs.
/// Values are on the tape, so payloads are small; the backward rules are in the op files.
enum Op {
    /// A constant, a gradient-receiving variable, or any node no gradient flows through.
    case leaf
    case parameter(Parameter)
    case binary(BinaryKind, Int, Int)
    /// `scale · x + shift`.
    case affine(Int, scale: Float)
    case unary(Int, UnaryFunction)
    case pow(Int, Float)
    case clamp(Int, low: Float, high: Float)
    /// The mask broadcast to the output's shape.
    case select([Bool], Int, Int)
    case sum(Int, axis: Int)
    case sumAll(Int)
    case logSumExp(Int, axis: Int)
    case max(Int, axis: Int)
    case matmul(Int, Int, transposeA: Bool, transposeB: Bool)
    case reshape(Int)
    case broadcast(Int)
    case permute(Int, [Int])
    case slice(Int, axis: Int, start: Int)
    case concat([Int], axis: Int)
    case gatherRows(Int, [Int])
    case scatterAddRows(Int, [Int])
    case gatherLast(Int, [Int])
    /// A hand-written backward over its inputs, given the gradients of its outputs: this node's value and
    /// those of the `.output` nodes recorded right after it (nil where an output received none).
    case custom([Int], outputs: [Int], ([Tensor?]) -> [Tensor?])
    /// A further output of the `custom` node `of`: no backward of its own; that node's backward reads its gradient.
    case output(of: Int)
}

extension Tape {
    /// Node `i`'s backward: adds its inputs' gradients given its own gradient `g`.
    func propagate(_ i: Int, _ g: Tensor) {
        switch ops[i] {
        case .leaf, .parameter: break
        case let .binary(kind, a, b): backwardBinary(i, kind, a, b, g)
        case let .affine(x, scale): accumulate(x, g.map { $0 * scale })
        case let .unary(x, f): backwardUnary(i, x, f, g)
        case let .pow(x, p): backwardPow(x, p, g)
        case let .clamp(x, low, high): backwardClamp(x, low, high, g)
        case let .select(mask, a, b): backwardSelect(mask, a, b, g)
        case let .sum(x, axis): backwardSum(x, axis, g)
        case let .sumAll(x): accumulate(x, Tensor(shape: values[x].shape, repeating: g.scalars[0]))
        case let .logSumExp(x, axis): backwardLogSumExp(i, x, axis, g)
        case let .max(x, axis): backwardMax(x, axis, g)
        case let .matmul(a, b, ta, tb): backwardMatmul(a, b, ta, tb, g)
        case let .reshape(x): accumulate(x, g.reshaped(values[x].shape))
        case let .broadcast(x): accumulate(x, g.sum(toShape: values[x].shape))
        case let .permute(x, axes): backwardPermute(x, axes, g)
        case let .slice(x, axis, start): backwardSlice(x, axis, start, g)
        case let .concat(parts, axis): backwardConcat(parts, axis, g)
        case let .gatherRows(x, indices): accumulate(x, g.scatterAdd(rows: indices, count: values[x].shape[0]))
        case let .scatterAddRows(x, indices): accumulate(x, g.gather(rows: indices))
        case let .gatherLast(x, indices): accumulate(x, Tensor.scatter(lastAxis: indices, values: g, into: values[x].shape))
        case .custom, .output: fatalError("internal: the backward walk runs custom nodes itself")
        }
    }
}
