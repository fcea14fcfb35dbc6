import Foundation

// The chapters' helpers for printing tables, once for every chapter: a chapter's output is compared byte for
// byte, so its numbers are formatted by these, never by `print`'s shortest representation.

/// `x` in fixed point with `digits` after the point: infinities as `+inf` and `-inf`, and no negative zero
/// (`-0.0000` prints as `0.0000`, so that a value's sign flipping in the last bit does not change the table).
public func f(_ x: Double, _ digits: Int = 4) -> String {
    if x == .infinity { return "+inf" }
    if x == -.infinity { return "-inf" }
    let s = String(format: "%.\(digits)f", x)
    return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
}

/// `text` right-aligned in `width` columns (never cut).
public func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

/// `text` left-aligned in `width` columns (cut to `width`).
public func left(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }

/// The mean and the sample standard deviation (n − 1; 0 for a single value).
public func meanAndStd(_ xs: [Double]) -> (mean: Double, std: Double) {
    let n = Double(xs.count)
    let mean = xs.reduce(0, +) / n
    guard xs.count > 1 else { return (mean, 0) }
    return (mean, (xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot())
}

/// The mean and its standard error (the sample standard deviation over √n).
public func meanAndError(_ xs: [Double]) -> (mean: Double, error: Double) {
    let n = Double(xs.count)
    let mean = xs.reduce(0, +) / n
    let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    return (mean, (variance / n).squareRoot())
}
