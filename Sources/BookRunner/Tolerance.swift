import Foundation

/// How far numbers in an output may drift: `|a − b| ≤ absolute + relative·max(|a|, |b|)`.
/// The zero tolerance compares text exactly.
public struct Tolerance: Sendable, Equatable {
    public var relative: Double
    public var absolute: Double

    public init(relative: Double = 0, absolute: Double = 0) {
        self.relative = relative
        self.absolute = absolute
    }

    public static let exact = Tolerance()
    public var isExact: Bool { relative == 0 && absolute == 0 }

    func accepts(_ a: Double, _ b: Double) -> Bool {
        if a == b { return true }
        if a.isNaN && b.isNaN { return true }
        guard a.isFinite && b.isFinite else { return false }
        return abs(a - b) <= absolute + relative * max(abs(a), abs(b))
    }
}
