/// The shape of a ``Tensor``: up to eight dimensions, stored inline so that making a shape never allocates.
///
/// A shape is written as an array literal (`[2, 3]`); the empty shape `[]` is a scalar. Dimensions are
/// row-major: the last dimension is contiguous in memory.
public struct Shape: Hashable, Sendable, RandomAccessCollection, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The largest rank a tensor may have.
    public static let maxRank = 8

    @usableFromInline var dims: SIMD8<Int>
    /// The number of dimensions.
    public private(set) var rank: Int

    /// A shape with the given dimensions (each ≥ 0, at most ``maxRank`` of them).
    public init(_ dimensions: [Int]) {
        guard dimensions.count <= Shape.maxRank else {
            fatalError("Shape: rank \(dimensions.count) exceeds the maximum \(Shape.maxRank) (\(dimensions))")
        }
        dims = .zero
        rank = dimensions.count
        for (i, d) in dimensions.enumerated() {
            guard d >= 0 else { fatalError("Shape: negative dimension in \(dimensions)") }
            dims[i] = d
        }
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// The scalar shape `[]`.
    public static let scalar = Shape([])

    public var startIndex: Int { 0 }
    public var endIndex: Int { rank }
    public var count: Int { rank }

    public subscript(position: Int) -> Int {
        get { dims[position] }
        set {
            guard position >= 0 && position < rank, newValue >= 0 else {
                fatalError("Shape: cannot set dimension \(position) of \(self) to \(newValue)")
            }
            dims[position] = newValue
        }
    }

    /// The number of elements a tensor of this shape holds (1 for a scalar).
    public var elementCount: Int {
        var n = 1
        for i in 0..<rank { n &*= dims[i] }
        return n
    }

    /// The dimensions as an array.
    public var dimensions: [Int] { (0..<rank).map { dims[$0] } }

    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }

    /// Resolves a possibly negative axis (`-1` is the last) against this shape, or stops naming `op`.
    public func axis(_ axis: Int, op: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else { fatalError("\(op): axis \(axis) is out of range for shape \(self)") }
        return a
    }

    /// This shape without dimension `axis`.
    public func removing(axis: Int) -> Shape {
        var d = dimensions
        d.remove(at: axis)
        return Shape(d)
    }

    /// This shape with dimension `axis` replaced by `dimension`.
    public func replacing(axis: Int, with dimension: Int) -> Shape {
        var s = self
        s[axis] = dimension
        return s
    }

    /// Splits the shape around `axis` into (product before, size of axis, product after).
    func split(at axis: Int) -> (outer: Int, n: Int, inner: Int) {
        var outer = 1, inner = 1
        for i in 0..<axis { outer &*= dims[i] }
        for i in (axis + 1)..<Swift.max(axis + 1, rank) { inner &*= dims[i] }
        return (outer, dims[axis], inner)
    }

    /// Row-major strides (elements) of this shape.
    var strides: SIMD8<Int> {
        var s = SIMD8<Int>.zero
        var acc = 1
        var i = rank - 1
        while i >= 0 {
            s[i] = acc
            acc &*= dims[i]
            i -= 1
        }
        return s
    }
}
