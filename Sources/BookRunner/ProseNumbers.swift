import Foundation

/// The book's rule that every number in a chapter's prose is one its code printed, or is marked as the paper's
/// (chapters/README.md, "Numbers in the prose"), as a check: ``unprinted(in:path:)`` lists the prose's numbers
/// that none of the chapter's output blocks printed.
///
/// What counts as a number: a decimal (`0.9783`, `−1.933`, `2.17 %`, `60,000.5`), a power of ten (`10⁻⁴`,
/// `3·10⁻³`) or one in e-notation (`1e-4`). Integers are not checked: they are mostly counts of steps, seeds
/// and draws, equation and section numbers, and which of them a reader would need printed is a judgement.
///
/// A prose number is accounted for when
/// - an `output` or `output full` block prints a number that rounds to it at the prose's precision, sign aside
///   (`−1.9327` prints as `-1.9327`; prose may write `1.933` for `-1.93274`, or a leak of `0.082` for
///   `log Z = -0.0818`); or
/// - the chapter's `swift` blocks contain it as a literal (a setting such as `τ = 0.005`); or
/// - it is marked as the paper's: inside a parenthesis that starts with `paper` (`(paper: 0.65)`,
///   `(paper, Table 1: 0.65 and 0.66)`), right after `paper's` (`the paper's −1.983`), or between the comments
///   `<!-- paper -->` and `<!-- /paper -->` (a quoted table); or quoted from another named source, between
///   `<!-- quoted: CatNF's code -->` and `<!-- /quoted -->`; or
/// - it names a part of a document: `Section 3.1`, `Appendix C.1`, `Table 5.2`, `Eq. 4.1`, `Figure 3.2`, `§5.1`; or
/// - its line links to another chapter (`[05](05-toy-experiment.md)`, with or without an anchor) whose output blocks
///   print it: a summary that quotes another chapter's result (chapter 00's scorecard) is held to that chapter.
public enum ProseNumbers {
    /// A prose number no output printed.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line in the chapter.
        public var line: Int
        /// The number as the prose writes it.
        public var number: String
        /// The line, trimmed.
        public var text: String

        public var description: String { "line \(line): \(number)" }
    }

    /// The numbers in the prose of the chapter `text` (named `path` in errors) that none of its output blocks
    /// printed and that are not marked as the paper's, in order. `linked` gives, for a chapter file name that a
    /// line links to (`05-toy-experiment.md`), the numbers its output blocks print (nil: no such chapter).
    public static func unprinted(in text: String, path: String,
                                 linked: (String) throws -> [Double]? = { _ in nil }) throws -> [Finding] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        let blocks = try ChapterParser.codeBlocks(text, lines: lines, path: path)
        var inBlock = [Bool](repeating: false, count: lines.count + 1)
        var printed: [Double] = [], literals: [Double] = []
        for (info, fence) in blocks {
            for line in fence.openingLine...fence.closingLine where line <= lines.count { inBlock[line] = true }
            let kind = info.split(separator: " ").first.map(String.init) ?? ""
            if kind == "output" { printed += numbers(in: fence.content).map(\.value) }
            if kind == "swift" { literals += numbers(in: fence.content.replacingOccurrences(of: "_", with: "")).map(\.value) }
        }
        let accounted = (printed + literals).map(abs).sorted()

        var findings: [Finding] = []
        var quoting = false, inComment = false
        for (index, raw) in lines.enumerated() where !inBlock[index + 1] {
            var line = raw
            // HTML comments: `<!-- paper -->` (or `<!-- quoted: SOURCE -->`) and `<!-- /paper -->` (`<!-- /quoted -->`)
            // open and close a quoted region; others are invisible and not checked (they may span lines).
            var visible = ""
            var rest = Substring(line)
            while !rest.isEmpty {
                if inComment {
                    guard let end = rest.range(of: "-->") else { rest = ""; break }
                    rest = rest[end.upperBound...]
                    inComment = false
                } else if let start = rest.range(of: "<!--") {
                    visible += quoting ? "" : rest[..<start.lowerBound]
                    let after = rest[start.upperBound...]
                    if let end = after.range(of: "-->") {
                        let comment = after[..<end.lowerBound].trimmingCharacters(in: .whitespaces)
                        if comment == "paper" || comment.hasPrefix("quoted:") { quoting = true }
                        if comment == "/paper" || comment == "/quoted" { quoting = false }
                        rest = after[end.upperBound...]
                    } else {
                        inComment = true
                        rest = after
                    }
                } else {
                    visible += quoting ? "" : rest
                    rest = ""
                }
            }
            line = removingPaperQuotes(visible)
            var elsewhere: [Double] = []
            for name in linkedChapters(raw) { elsewhere += try linked(name) ?? [] }
            let accountedHere = elsewhere.isEmpty ? accounted : (accounted + elsewhere.map(abs)).sorted()
            for number in numbers(in: line) where !number.isReference {
                let tolerance = number.halfUnit * (1 + 1e-9) + 1e-300
                if !contains(accountedHere, near: abs(number.value), within: tolerance) {
                    findings.append(Finding(line: index + 1, number: number.text, text: raw.trimmingCharacters(in: .whitespaces)))
                }
            }
        }
        return findings
    }

    /// The numbers that the output blocks of the chapter `text` print (for a chapter that links to it).
    public static func printed(in text: String, path: String) throws -> [Double] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return try ChapterParser.codeBlocks(text, lines: lines, path: path).flatMap { info, fence -> [Double] in
            info.split(separator: " ").first == "output" ? numbers(in: fence.content).map(\.value) : []
        }
    }

    /// The chapter files a line's Markdown links point at: `](05-toy-experiment.md)` or `](05-toy-experiment.md#…)`,
    /// a name of two digits, a dash and more (the chapters' naming).
    static let chapterLink = try! NSRegularExpression(pattern: #"\]\((?:\./)?(\d\d-[A-Za-z0-9-]+\.md)(?:#[^)]*)?\)"#)
    static func linkedChapters(_ line: String) -> [String] {
        let ns = line as NSString
        return chapterLink.matches(in: line, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    /// A number found in text: its value, half a unit of its last written digit, and whether it names a part of a
    /// document.
    struct Number: Equatable {
        var text: String
        var value: Double
        var halfUnit: Double
        var isReference = false
    }

    static let superscripts: [Character: Character] = ["⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                                                       "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+"]
    /// A power of ten with a superscript exponent, with or without a mantissa: `10⁻⁴`, `3·10⁻³`, `2.5 × 10⁶`.
    static let power = try! NSRegularExpression(
        pattern: #"(?<![\p{L}\p{N}_.])([-−]?)(?:(\d+(?:\.\d+)?)\s*[·×]\s*)?10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"#)
    /// Any other number: digits (thousands may be separated by commas), an optional decimal part and e-exponent,
    /// and any further `.digits` (which make it a dotted name such as `1.2.3`, not a number).
    static let plain = try! NSRegularExpression(
        pattern: #"(?<![\p{L}\p{N}_.])([-−]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?((?:\.\d+)*)"#)

    /// Every decimal, power of ten and e-notation number in `text`, in order.
    static func numbers(in text: String) -> [Number] {
        let ns = text as NSString
        let whole = NSRange(location: 0, length: ns.length)
        func group(_ match: NSTextCheckingResult, _ i: Int) -> String? {
            let r = match.range(at: i)
            return r.location == NSNotFound ? nil : ns.substring(with: r)
        }
        func isReference(_ match: NSTextCheckingResult) -> Bool { namesAPart(ns.substring(to: match.range.location)) }
        var found: [(location: Int, number: Number)] = []
        var taken: [NSRange] = []
        for match in power.matches(in: text, range: whole) {
            let digits = String(group(match, 3)!.map { superscripts[$0] ?? $0 })
            guard let exponent = Double(digits) else { continue }
            let mantissaText = group(match, 2) ?? "1"
            let decimals = mantissaText.split(separator: ".").dropFirst().first?.count ?? 0
            let value = (group(match, 1)!.isEmpty ? 1 : -1) * Double(mantissaText)! * Foundation.pow(10, exponent)
            let halfUnit = 0.5 * Foundation.pow(10, exponent - Double(decimals))
            found.append((match.range.location, Number(text: ns.substring(with: match.range), value: value, halfUnit: halfUnit,
                                                       isReference: isReference(match))))
            taken.append(match.range)
        }
        for match in plain.matches(in: text, range: whole) where !taken.contains(where: { NSIntersectionRange($0, match.range).length > 0 }) {
            let fraction = group(match, 3) ?? "", exponent = group(match, 4) ?? "", dotted = group(match, 5) ?? ""
            guard dotted.isEmpty, !(fraction.isEmpty && exponent.isEmpty) else { continue }  // a dotted name, or an integer
            let mantissa = group(match, 2)!.replacingOccurrences(of: ",", with: "") + fraction
            let e = exponent.isEmpty ? 0 : Double(exponent.dropFirst())!
            guard let m = Double(mantissa) else { continue }
            let value = (group(match, 1)!.isEmpty ? 1 : -1) * m * Foundation.pow(10, e)
            let halfUnit = 0.5 * Foundation.pow(10, e - Double(max(fraction.count - 1, 0)))
            found.append((match.range.location, Number(text: ns.substring(with: match.range), value: value, halfUnit: halfUnit,
                                                       isReference: isReference(match))))
        }
        return found.sorted { $0.location < $1.location }.map(\.number)
    }

    /// Whether the text right before a number names a part of a document (`Section 3.1`; `Appendix C.1` is not
    /// read as a number at all).
    static func namesAPart(_ before: String) -> Bool {
        let words = ["Section", "Sections", "section", "sections", "§", "Appendix", "Table", "Tables", "Figure", "Figures",
                     "Eq.", "Eqs.", "Equation", "Equations", "Algorithm", "Theorem", "Lemma", "Chapter", "chapter"]
        let trimmed = before.reversed().drop(while: { $0 == " " || $0 == "\u{00A0}" })
        let tail = String(trimmed.reversed())
        return words.contains { tail.hasSuffix($0) }
    }

    /// `line` without the numbers it marks as the paper's: parentheses that start with `paper` (to their matching
    /// close), and the number right after `paper's`.
    static func removingPaperQuotes(_ line: String) -> String {
        let text = Array(line)
        var output: [Character] = []
        var i = 0
        func startsWith(_ word: String, at j: Int) -> Bool {
            let w = Array(word)
            return j + w.count <= text.count && Array(text[j..<(j + w.count)]).map { $0.lowercased() } == w.map { $0.lowercased() }
        }
        while i < text.count {
            if text[i] == "(" && startsWith("paper", at: i + 1) {
                var depth = 0, j = i
                repeat {
                    if text[j] == "(" { depth += 1 } else if text[j] == ")" { depth -= 1 }
                    j += 1
                } while j < text.count && depth > 0
                output.append(contentsOf: " ")
                i = j
                continue
            }
            if startsWith("paper's", at: i) || startsWith("paper’s", at: i) {
                output.append(contentsOf: "paper's")
                var j = i + 7
                while j < text.count, " `*_".contains(text[j]) { output.append(text[j]); j += 1 }
                // Skip one number: a sign, digits, separators and the decimal part.
                if j < text.count, "-−".contains(text[j]) { j += 1 }
                while j < text.count, text[j].isNumber || ((text[j] == "." || text[j] == ",") && j + 1 < text.count && text[j + 1].isNumber) { j += 1 }
                i = j
                continue
            }
            output.append(text[i])
            i += 1
        }
        return String(output)
    }

    /// Whether the sorted `values` hold one within `tolerance` of `x`.
    static func contains(_ values: [Double], near x: Double, within tolerance: Double) -> Bool {
        var low = 0, high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < x - tolerance { low = mid + 1 } else { high = mid }
        }
        return low < values.count && values[low] <= x + tolerance
    }
}

extension BookCommands {
    /// `book check`: every prose number of the chapters at `paths` that no output printed, as `file:line: number`,
    /// and a closing count. Returns true when there is none.
    public func checkProseNumbers(_ paths: [String]) throws -> Bool {
        var total = 0, chapters = 0
        var printedByChapter: [String: [Double]] = [:]
        for path in paths {
            let file = toolchain.root.appendingPathComponent(path).path
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw ChapterError(path, "cannot read this chapter as UTF-8 text")
            }
            let folder = (path as NSString).deletingLastPathComponent
            let findings = try ProseNumbers.unprinted(in: text, path: path) { name in
                let linkedPath = (folder as NSString).appendingPathComponent(name)
                if let known = printedByChapter[linkedPath] { return known }  // read each linked chapter once
                guard let data = FileManager.default.contents(atPath: toolchain.root.appendingPathComponent(linkedPath).path),
                      let linkedText = String(data: data, encoding: .utf8) else { return nil }
                let numbers = try ProseNumbers.printed(in: linkedText, path: linkedPath)
                printedByChapter[linkedPath] = numbers
                return numbers
            }
            for finding in findings {
                Console.print("\(path):\(finding.line): \(finding.number) is in the prose, but no output block printed it: \(finding.text)")
            }
            total += findings.count
            if !findings.isEmpty { chapters += 1 }
        }
        if total == 0 {
            Console.print("prose numbers: every one in \(paths.count) chapter(s) was printed by an output block or is marked as the paper's")
        } else {
            Console.print("prose numbers: \(total) in \(chapters) chapter(s) printed by no output block; print them, or mark a number "
                          + "quoted from the paper as `(paper: …)` (chapters/README.md, \"Numbers in the prose\")")
        }
        return total == 0
    }
}
