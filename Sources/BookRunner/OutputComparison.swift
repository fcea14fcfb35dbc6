import Foundation

/// Compares an actual output with the expected one: exactly, or number by number within a tolerance
/// with everything between the numbers compared exactly.
public enum OutputComparison {
    public static func matches(expected: String, actual: String, tolerance: Tolerance) -> Bool {
        if expected == actual { return true }
        if tolerance.isExact { return false }
        let e = tokens(expected), a = tokens(actual)
        guard e.count == a.count else { return false }
        for (x, y) in zip(e, a) {
            switch (x, y) {
            case let (.text(s), .text(t)): if s != t { return false }
            case let (.number(s, u), .number(t, v)): if s != t && !tolerance.accepts(u, v) { return false }
            default: return false
            }
        }
        return true
    }

    enum Token: Equatable {
        case text(String)
        case number(String, Double)
    }

    /// Splits text into numbers (`-1.5e-3`, `42`, `.5`) and the text between them.
    static func tokens(_ text: String) -> [Token] {
        var result: [Token] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0, textStart = 0
        func isDigit(_ k: Int) -> Bool { k < scalars.count && ("0"..."9").contains(scalars[k]) }
        func flushText(upTo end: Int) {
            if end > textStart { result.append(.text(String(String.UnicodeScalarView(scalars[textStart..<end])))) }
        }
        while i < scalars.count {
            // A number starts with a digit, or a sign or point followed by one, and not inside a word.
            var j = i
            let afterWord = i > 0 && (scalars[i - 1].properties.isAlphabetic || scalars[i - 1] == "_")
            if !afterWord && (scalars[j] == "-" || scalars[j] == "+" || scalars[j] == "−") { j += 1 }
            let startsNumber = !afterWord && (isDigit(j) || (j < scalars.count && scalars[j] == "." && isDigit(j + 1)))
            guard startsNumber else { i += 1; continue }
            while isDigit(j) { j += 1 }
            if j < scalars.count && scalars[j] == "." { j += 1; while isDigit(j) { j += 1 } }
            if j < scalars.count && (scalars[j] == "e" || scalars[j] == "E") {
                var k = j + 1
                if k < scalars.count && (scalars[k] == "-" || scalars[k] == "+") { k += 1 }
                if isDigit(k) { j = k; while isDigit(j) { j += 1 } }
            }
            flushText(upTo: i)
            let literal = String(String.UnicodeScalarView(scalars[i..<j]))
            let value = Double(literal.replacingOccurrences(of: "−", with: "-")) ?? .nan
            result.append(.number(literal, value))
            i = j
            textStart = j
        }
        flushText(upTo: scalars.count)
        return result
    }
}
