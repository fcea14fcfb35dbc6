/// A tensor of booleans: the result of an elementwise comparison, used by ``Tensor/select(_:_:_:)`` and
/// ``select(_:_:_:)`` on variables. Built with `.<`, `.<=`, `.>`, `.>=`, `.==` and combined with `.&`, `.|`, `.!`.
public struct Mask: Sendable, Equatable, CustomStringConvertible {
    public let shape: Shape
    public let values: [Bool]

    /// A mask of `shape` holding `values` (row-major).
    public init(shape: Shape, values: [Bool]) {
        guard shape.elementCount == values.count else {
            fatalError("Mask(shape:values:): shape \(shape) needs \(shape.elementCount) values, got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }

    /// How many entries are true.
    public var trueCount: Int { values.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// This mask stretched to `target` by broadcasting.
    public func broadcast(to target: Shape) -> Mask {
        if target == shape { return self }
        let t = Tensor(shape: shape, scalars: values.map { $0 ? 1 : 0 }).broadcast(to: target)
        return Mask(shape: target, values: t.scalars.map { $0 != 0 })
    }

    static func compare(_ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Bool) -> Mask {
        let t = Tensor.zip(a, b, op: op) { f($0, $1) ? 1 : 0 }
        return Mask(shape: t.shape, values: t.scalars.map { $0 != 0 })
    }

    public static func .& (a: Mask, b: Mask) -> Mask { combine(a, b, op: ".&") { $0 && $1 } }
    public static func .| (a: Mask, b: Mask) -> Mask { combine(a, b, op: ".|") { $0 || $1 } }
    public static prefix func .! (a: Mask) -> Mask { Mask(shape: a.shape, values: a.values.map { !$0 }) }

    static func combine(_ a: Mask, _ b: Mask, op: String, _ f: (Bool, Bool) -> Bool) -> Mask {
        let s = Shape.broadcast(a.shape, b.shape, op: op)
        let x = a.broadcast(to: s), y = b.broadcast(to: s)
        return Mask(shape: s, values: zip(x.values, y.values).map { f($0, $1) })
    }

    public var description: String { "Mask\(shape)(\(values.prefix(16).map { $0 ? "1" : "0" }.joined()))" }
}

extension Tensor {
    public static func .< (a: Tensor, b: Tensor) -> Mask { Mask.compare(a, b, op: ".<") { $0 < $1 } }
    public static func .<= (a: Tensor, b: Tensor) -> Mask { Mask.compare(a, b, op: ".<=") { $0 <= $1 } }
    public static func .> (a: Tensor, b: Tensor) -> Mask { Mask.compare(a, b, op: ".>") { $0 > $1 } }
    public static func .>= (a: Tensor, b: Tensor) -> Mask { Mask.compare(a, b, op: ".>=") { $0 >= $1 } }
    public static func .== (a: Tensor, b: Tensor) -> Mask { Mask.compare(a, b, op: ".==") { $0 == $1 } }
    public static func .< (a: Tensor, b: Float) -> Mask { a .< Tensor(b) }
    public static func .<= (a: Tensor, b: Float) -> Mask { a .<= Tensor(b) }
    public static func .> (a: Tensor, b: Float) -> Mask { a .> Tensor(b) }
    public static func .>= (a: Tensor, b: Float) -> Mask { a .>= Tensor(b) }

    /// `mask ? a : b` elementwise; the three shapes broadcast together. Unselected entries are never read
    /// arithmetically, so an unselected ±∞ or NaN cannot leak into the result.
    public static func select(_ mask: Mask, _ a: Tensor, _ b: Tensor) -> Tensor {
        let s = Shape.broadcast(Shape.broadcast(mask.shape, a.shape, op: "select"), b.shape, op: "select")
        let m = mask.broadcast(to: s), x = a.broadcast(to: s), y = b.broadcast(to: s)
        return Tensor(shape: s) { out in
            for i in 0..<out.count { out[i] = m.values[i] ? x.scalars[i] : y.scalars[i] }
        }
    }

    /// `g` where `mask` is true (or false, when `where` is false), exactly 0 elsewhere.
    static func masked(_ g: Tensor, _ mask: [Bool], keep: Bool) -> Tensor {
        Tensor(shape: g.shape) { out in
            g.scalars.withUnsafeBufferPointer { gb in
                for i in 0..<out.count { out[i] = mask[i] == keep ? gb[i] : 0 }
            }
        }
    }
}
