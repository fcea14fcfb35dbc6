/// A row-major array of `Float` with a ``Shape``: the engine's value type.
///
/// Tensors are values (copy-on-write through `Array`): assigning one never shares mutations.
/// Their kernels (`+`, `exp()`, `sum(axis:)`, `matmul`, …) are not differentiable; to differentiate,
/// record the same operations on a ``Tape`` through ``Var``.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    /// The tensor's shape.
    public private(set) var shape: Shape
    /// The elements in row-major order (`shape.elementCount` of them).
    public internal(set) var scalars: [Float]

    /// A tensor of `shape` holding `scalars` (row-major); the counts must agree.
    public init(shape: Shape, scalars: [Float]) {
        guard shape.elementCount == scalars.count else {
            fatalError("Tensor(shape:scalars:): shape \(shape) needs \(shape.elementCount) elements, got \(scalars.count)")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` with every element `value`.
    public init(shape: Shape, repeating value: Float) {
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.elementCount)
    }

    /// A scalar (rank-0) tensor.
    public init(_ value: Float) {
        self.shape = .scalar
        self.scalars = [value]
    }

    /// A rank-1 tensor holding `scalars`.
    public init(_ scalars: [Float]) {
        self.shape = Shape([scalars.count])
        self.scalars = scalars
    }

    /// A rank-2 tensor from rows of equal length.
    public init(rows: [[Float]]) {
        let n = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == n }) else { fatalError("Tensor(rows:): rows of unequal length") }
        self.shape = Shape([rows.count, n])
        self.scalars = rows.flatMap { $0 }
    }

    /// A tensor of `shape` whose storage is written by `initialise` (which must write every element).
    @inline(__always)
    init(shape: Shape, uninitialised initialise: (UnsafeMutableBufferPointer<Float>) -> Void) {
        self.shape = shape
        let n = shape.elementCount
        self.scalars = [Float](unsafeUninitializedCapacity: n) { buffer, count in
            if n > 0 { initialise(buffer) }
            count = n
        }
    }

    /// Zeros of `shape`.
    public static func zeros(_ shape: Shape) -> Tensor { Tensor(shape: shape, repeating: 0) }
    /// Ones of `shape`.
    public static func ones(_ shape: Shape) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// Independent standard normal draws times `scale`.
    public static func normal(_ shape: Shape, scale: Float = 1, using random: inout RandomSource) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = scale * random.normalFloat() }
        }
    }

    /// Independent uniform draws on `(low, high)`.
    public static func uniform(_ shape: Shape, low: Float = 0, high: Float = 1, using random: inout RandomSource) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = low + (high - low) * random.uniformFloat() }
        }
    }

    /// Independent standard logistic draws.
    public static func logistic(_ shape: Shape, using random: inout RandomSource) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = random.logisticFloat() }
        }
    }

    /// The number of elements.
    public var count: Int { scalars.count }
    /// The number of dimensions.
    public var rank: Int { shape.rank }

    /// The only element of a one-element tensor.
    public var scalar: Float {
        guard scalars.count == 1 else { fatalError("Tensor.scalar: tensor of shape \(shape) is not a single element") }
        return scalars[0]
    }

    /// The element at a full multi-index (`t[i, j]`).
    public subscript(indices: Int...) -> Float {
        get { scalars[flatIndex(indices)] }
        set { scalars[flatIndex(indices)] = newValue }
    }

    func flatIndex(_ indices: [Int]) -> Int {
        guard indices.count == shape.rank else {
            fatalError("Tensor subscript: \(indices.count) indices for shape \(shape)")
        }
        var flat = 0
        for (axis, i) in indices.enumerated() {
            guard i >= 0 && i < shape[axis] else { fatalError("Tensor subscript: index \(indices) out of range for shape \(shape)") }
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// The same elements under another shape with the same element count (no copy).
    public func reshaped(_ newShape: Shape) -> Tensor {
        guard newShape.elementCount == count else {
            fatalError("reshaped: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        }
        var t = self
        t.shape = newShape
        return t
    }

    /// The same elements under another shape; `-1` in `dimensions` stands for whatever the rest leaves.
    public func reshaped(_ dimensions: [Int]) -> Tensor {
        reshaped(Tensor.resolve(dimensions, count: count, from: shape))
    }

    static func resolve(_ dimensions: [Int], count: Int, from shape: Shape) -> Shape {
        var d = dimensions
        let free = d.indices.filter { d[$0] == -1 }
        guard free.count <= 1 else { fatalError("reshaped: more than one -1 in \(dimensions)") }
        if let f = free.first {
            let known = d.enumerated().filter { $0.offset != f }.reduce(1) { $0 * $1.element }
            guard known > 0 && count % known == 0 else {
                fatalError("reshaped: cannot reshape \(shape) (\(count) elements) to \(dimensions)")
            }
            d[f] = count / known
        }
        return Shape(d)
    }

    public var description: String {
        let shown = scalars.prefix(16).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor\(shape)(\(shown)\(scalars.count > 16 ? ", …" : ""))"
    }
}

import Foundation
