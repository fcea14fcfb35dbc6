@testable import Trufl

/// Seeded inputs for tests.
struct Inputs {
    var random: RandomSource
    init(_ seed: UInt64) { random = RandomSource(seed: seed) }

    /// Standard normal entries.
    mutating func normal(_ shape: Shape) -> Tensor { Tensor.normal(shape, using: &random) }

    /// Uniform on (low, high).
    mutating func uniform(_ shape: Shape, _ low: Float, _ high: Float) -> Tensor {
        Tensor.uniform(shape, low: low, high: high, using: &random)
    }

    /// Magnitudes in (0.3, 1.5) with random signs: away from the kinks of abs, relu, clamp, max.
    mutating func awayFromZero(_ shape: Shape) -> Tensor {
        let m = uniform(shape, 0.3, 1.5)
        return Tensor(shape: shape, scalars: m.scalars.map { random.uniformFloat() < 0.5 ? -$0 : $0 })
    }

    /// Distinct values (0.25 apart, none within 0.1 of 0, shuffled): for max and min, whose gradient jumps at ties.
    mutating func distinct(_ shape: Shape) -> Tensor {
        var values = (0..<shape.elementCount).map { Float($0) * 0.25 - Float(shape.elementCount) * 0.125 + 0.125 }
        values.shuffle(using: &random)
        return Tensor(shape: shape, scalars: values)
    }
}
