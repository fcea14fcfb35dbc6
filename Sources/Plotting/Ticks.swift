// "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten.

/// Axis ticks at the multiples of a "nice" step (1, 2 or 5 × 10^k) that fall inside a range,
/// with their labels.
///
/// Tick values are computed as integer multiples of the step, and labels are written from those
/// integers, so a label is exact ("0.3", never "0.30000000000000004") and identical across runs.
/// All labels of one axis have the same number of decimals ("0.0", "0.5", "1.0"). Steps of 10^6 and
/// above, or 10^-5 and below, are labelled in scientific notation ("2e6", "1.5e-5").
///
/// ```swift
/// let ticks = Ticks(in: -0.13...1.07, targetCount: 5)
/// ticks.values  // [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
/// ticks.labels  // ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
/// ```
public struct Ticks: Equatable, Sendable {
    /// The distance between neighbouring ticks.
    public let step: Double
    /// The tick positions, ascending, all inside the range the ticks were made for.
    public let values: [Double]
    /// One label per value.
    public let labels: [String]

    /// Ticks inside `range` at the nice step nearest to `span / targetCount`.
    ///
    /// - Parameters:
    ///   - range: The axis range; must be finite. A range of zero width is widened first.
    ///   - targetCount: The number of intervals wanted; the result has roughly this many ticks (at least 1).
    public init(in range: ClosedRange<Double>, targetCount: Int) {
        let range = Ticks.widened(range)
        let step = NiceStep(covering: range, targetCount: targetCount)
        self.init(in: range, step: step)
    }

    init(in range: ClosedRange<Double>, step: NiceStep) {
        self.step = step.value
        let tolerance = 1e-9
        let first = (range.lowerBound / step.value - tolerance).rounded(.up)
        let last = (range.upperBound / step.value + tolerance).rounded(.down)
        // Multiples too large for exact integers, or too many: fall back to the two ends.
        guard abs(first) < 1e12, abs(last) < 1e12, last >= first, last - first <= 1000 else {
            values = [range.lowerBound, range.upperBound]
            labels = values.map(NumberFormat.short)
            return
        }
        var values: [Double] = []
        var labels: [String] = []
        for n in Int64(first)...Int64(last) {
            let units = n * Int64(step.mantissa)
            values.append(step.value(units: units))
            labels.append(step.label(units: units))
        }
        self.values = values
        self.labels = labels
    }

    /// `range` widened outwards to multiples of the nice step for `targetCount` intervals:
    /// `niceRange(around: 0.03...0.87, targetCount: 5)` is `0.0...1.0`.
    ///
    /// Non-finite bounds are not allowed; a range of zero width is widened first
    /// (by 10 % of its magnitude, or by 1 around zero).
    public static func niceRange(around range: ClosedRange<Double>, targetCount: Int) -> ClosedRange<Double> {
        let range = widened(range)
        let step = NiceStep(covering: range, targetCount: targetCount)
        return step.enclosing(range) ?? range
    }

    /// A zero-width range widened so that ticks can be placed in it.
    static func widened(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
        guard range.lowerBound == range.upperBound else { return range }
        let value = range.lowerBound
        let half = value == 0 ? 1 : abs(value) * 0.1
        var lower = value - half, upper = value + half
        // Near the largest doubles, widen only on the side that stays finite;
        // for subnormal values, 10 % is nothing: widen by 1.
        if !lower.isFinite { lower = value }
        if !upper.isFinite { upper = value }
        if !(lower < upper) {
            lower = value - 1
            upper = value + 1
        }
        return lower...upper
    }
}

/// A step `mantissa × 10^exponent` with `mantissa` in {1, 2, 5}.
struct NiceStep: Equatable {
    var mantissa: Int
    var exponent: Int

    /// The nice step nearest to the width of `range` over `targetCount` (thresholds 1.5, 3 and 7 between
    /// 1, 2, 5 and 10).
    init(covering range: ClosedRange<Double>, targetCount: Int) {
        // Halved first, so that a range wider than the largest double still gives a finite step.
        let raw = (range.upperBound * 0.5 - range.lowerBound * 0.5) / Double(max(1, targetCount)) * 2
        guard raw.isFinite, raw > 0 else {
            self.init(mantissa: 1, exponent: 0)
            return
        }
        var exponent = Int(raw.log10Floor)
        let fraction = raw / NumberFormat.pow10(exponent)
        let mantissa: Int
        switch fraction {
        case ..<1.5: mantissa = 1
        case ..<3: mantissa = 2
        case ..<7: mantissa = 5
        default:
            mantissa = 1
            exponent += 1
        }
        self.init(mantissa: mantissa, exponent: exponent)
    }

    init(mantissa: Int, exponent: Int) {
        self.mantissa = mantissa
        self.exponent = exponent
    }

    var value: Double { value(units: Int64(mantissa)) }

    /// The smallest range from a multiple of the step to a multiple of the step that holds `range`
    /// (allowing for rounding error of 10^-9 steps), or `nil` if the multiples are out of reach.
    func enclosing(_ range: ClosedRange<Double>) -> ClosedRange<Double>? {
        let tolerance = 1e-9
        let first = (range.lowerBound / value + tolerance).rounded(.down)
        let last = (range.upperBound / value - tolerance).rounded(.up)
        guard abs(first) < 1e12, abs(last) < 1e12, last > first else { return nil }
        let units = Int64(mantissa)
        let lower = self.value(units: Int64(first) * units), upper = self.value(units: Int64(last) * units)
        guard lower.isFinite, upper.isFinite else { return nil }
        return lower...upper
    }

    /// `units × 10^exponent`, as the nearest double (one rounding).
    func value(units: Int64) -> Double {
        exponent >= 0 ? Double(units) * NumberFormat.pow10(exponent) : Double(units) / NumberFormat.pow10(-exponent)
    }

    /// Whether labels use scientific notation.
    var isScientific: Bool { exponent >= 6 || exponent <= -5 }

    /// The exact label of `units × 10^exponent`.
    func label(units: Int64) -> String {
        if units == 0 {
            return isScientific || exponent >= 0 ? "0" : NumberFormat.decimalString(units: 0, decimals: -exponent)
        }
        if !isScientific {
            if exponent >= 0 {
                return String(units) + String(repeating: "0", count: exponent)
            }
            return NumberFormat.decimalString(units: units, decimals: -exponent)
        }
        // Scientific: d.ddd e(exponent + digits - 1), trailing zeros of the mantissa removed.
        let digits = String(units.magnitude)
        let power = exponent + digits.count - 1
        var fraction = Substring(digits.dropFirst())
        while fraction.last == "0" { fraction = fraction.dropLast() }
        let mantissa = fraction.isEmpty ? String(digits.prefix(1)) : String(digits.prefix(1)) + "." + fraction
        return (units < 0 ? "-" : "") + mantissa + "e" + String(power)
    }
}
