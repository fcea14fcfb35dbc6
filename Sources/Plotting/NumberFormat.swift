// Deterministic, locale-free number formatting for SVG coordinates and labels.

/// Formats numbers without Foundation's locale machinery, so that the same value always gives the
/// same bytes: fixed decimals, rounding half away from zero, and never a negative zero.
enum NumberFormat {
    /// `10^exponent` for `0 <= exponent <= 22`, computed by exact multiplication.
    static func powerOfTen(_ exponent: Int) -> Double {
        guard exponent >= 0 && exponent <= 22 else { fatalError("powerOfTen: exponent \(exponent) out of range") }
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// `x` with exactly `decimals` digits after the point ("1.50", "-0.25", "0.00"; never "-0.00").
    ///
    /// Values whose scaled magnitude does not fit an exact integer fall back to Swift's shortest
    /// round-trip description, which is also deterministic. Non-finite values give "nan", "inf", "-inf".
    static func fixed(_ x: Double, decimals: Int) -> String {
        let decimals = min(max(decimals, 0), 15)
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        let scaled = (x * powerOfTen(decimals)).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 9.0e15 else { return "\(x)" }
        let units = Int64(scaled)
        return decimalString(units: units, decimals: decimals)
    }

    /// `x` rounded to `decimals` places, with trailing zeros (and a trailing point) removed:
    /// "12.5", "12", "-0.01", "0". Used for SVG coordinates.
    static func compact(_ x: Double, decimals: Int = 2) -> String {
        trimmingZeros(fixed(x, decimals: decimals))
    }

    /// About three significant digits, fixed notation for moderate magnitudes and scientific
    /// ("1.2e-7", "3.4e8") otherwise. Used for the value range of a colour scale.
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return fixed(x, decimals: 0) }
        if x == 0 { return "0" }
        let exponent = Int((abs(x).log10Floor))
        if exponent >= -4 && exponent < 6 {
            return trimmingZeros(fixed(x, decimals: max(0, 2 - exponent)))
        }
        var mantissa = x / pow10(exponent)
        var e = exponent
        // Rounding can carry the mantissa to 10.0: renormalise.
        if abs((mantissa * 100).rounded(.toNearestOrAwayFromZero)) >= 1000 {
            mantissa /= 10
            e += 1
        }
        return trimmingZeros(fixed(mantissa, decimals: 2)) + "e" + String(e)
    }

    /// The decimal string of `units × 10^-decimals`, exactly, with `decimals` digits after the point.
    static func decimalString(units: Int64, decimals: Int) -> String {
        let negative = units < 0
        var digits = String(units.magnitude)
        if decimals > 0 {
            if digits.count <= decimals {
                digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        // A zero value never carries a sign.
        return negative && units != 0 ? "-" + digits : digits
    }

    /// Removes trailing zeros after a decimal point, and the point itself if nothing follows it.
    static func trimmingZeros(_ s: String) -> String {
        guard s.contains("."), !s.contains("e") else { return s }
        var result = Substring(s)
        while result.last == "0" { result = result.dropLast() }
        if result.last == "." { result = result.dropLast() }
        return result == "-0" ? "0" : String(result)
    }

    /// `10^exponent` for any exponent within the range of `Double`, as exactly as division allows.
    static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        var remaining = abs(exponent)
        while remaining > 22 {
            result *= powerOfTen(22)
            remaining -= 22
        }
        result *= powerOfTen(remaining)
        return exponent >= 0 ? result : 1 / result
    }
}

extension Double {
    /// `floor(log10(self))` for a positive finite value, corrected for rounding in the logarithm.
    var log10Floor: Double {
        var e = Int(Self.log10Estimate(self).rounded(.down))
        // Nudge so that 10^e <= self < 10^(e+1) holds exactly.
        while e > -330 && NumberFormat.pow10(e) > self { e -= 1 }
        while e < 330 && NumberFormat.pow10(e + 1) <= self { e += 1 }
        return Double(e)
    }

    /// A base-10 logarithm from the exponent and significand, so that no C library is involved.
    private static func log10Estimate(_ x: Double) -> Double {
        // log10(x) = log2(x) / log2(10); log2 from exponent plus a series for the significand.
        let e = Double(x.exponent)
        let m = x.significand  // in [1, 2)
        // ln(m) via atanh series: ln(m) = 2 * atanh((m - 1) / (m + 1)).
        let t = (m - 1) / (m + 1)
        var term = t
        var sum = 0.0
        var k = 1.0
        for _ in 0..<12 {
            sum += term / k
            term *= t * t
            k += 2
        }
        let ln2 = 0.6931471805599453
        let ln10 = 2.302585092994046
        return (e * ln2 + 2 * sum) / ln10
    }
}
