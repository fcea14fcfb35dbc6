import Foundation

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random stream in the book is one of these: the same seed gives the same bytes on every run.
/// ``split(_:)`` derives an independent stream for a named purpose (a chapter, a seed, a data split),
/// so that adding a draw in one place does not shift the numbers anywhere else.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// An independent stream named by `label`, derived from this generator's current state
    /// without advancing it.
    public func split(_ label: String) -> RandomSource {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a over the label
        for byte in label.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return RandomSource(seed: state.0 ^ (state.2 &* 0x9e37_79b9_7f4a_7c15) ^ hash)
    }

    /// An independent stream numbered `index` (a seed, a worker).
    public func split(_ index: Int) -> RandomSource { split("#\(index)") }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform on the open interval (0, 1): never exactly 0 or 1, so `log u` and `logit u` are finite.
    public mutating func uniform() -> Double {
        // 53 random bits, offset by half a step: (k + 0.5) / 2^53 for k in 0 ..< 2^53.
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Uniform on (0, 1) in single precision, never exactly 0 or 1.
    public mutating func uniformFloat() -> Float {
        // (2^24 − 1 + 0.5) is not a Float: it rounds up to 2^24, so the largest draw would be exactly 1
        // (then logit(u) = +∞). That one draw becomes the largest Float below 1; every other draw is unchanged.
        min((Float(next() >> 40) + 0.5) * 0x1p-24, Float(1).nextDown)
    }

    /// Standard normal (Box–Muller; one draw per call, the pair's second half discarded for simplicity).
    public mutating func normal() -> Double {
        let u1 = uniform(), u2 = uniform()
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Standard logistic: F⁻¹(u) = log(u / (1 − u)).
    public mutating func logistic() -> Double {
        let u = uniform()
        return Foundation.log(u) - Foundation.log1p(-u)
    }

    /// An integer uniform in `0 ..< bound`.
    public mutating func int(below bound: Int) -> Int {
        guard bound > 0 else { fatalError("RandomSource.int(below:) needs a positive bound, got \(bound)") }
        return Int(next(upperBound: UInt64(bound)))
    }
}

/// SplitMix64: expands one 64-bit seed into the four words of xoshiro's state.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension RandomSource {
    /// Standard normal in single precision (Box–Muller on ``uniformFloat()``-style draws).
    public mutating func normalFloat() -> Float { Float(normal()) }

    /// Standard logistic in single precision.
    public mutating func logisticFloat() -> Float { Float(logistic()) }

    /// Fills `buffer` with independent standard normal draws.
    public mutating func fillNormal(_ buffer: inout [Float]) {
        for i in buffer.indices { buffer[i] = normalFloat() }
    }

    /// Fills `buffer` with independent standard logistic draws.
    public mutating func fillLogistic(_ buffer: inout [Float]) {
        for i in buffer.indices { buffer[i] = logisticFloat() }
    }
}
