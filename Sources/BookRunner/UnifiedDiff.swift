/// A unified diff of two texts, line by line (longest common subsequence), with hunk headers whose
/// expected-side numbers are lines of the chapter file, so each hunk points into the Markdown.
public enum UnifiedDiff {
    /// - Parameters:
    ///   - expectedFirstLine: the chapter line holding the first expected line.
    public static func render(expected: String, actual: String, expectedLabel: String, actualLabel: String,
                              expectedFirstLine: Int = 1, context: Int = 3) -> String {
        let a = splitLines(expected), b = splitLines(actual)
        let edits = script(a, b)
        var out = "--- \(expectedLabel)\n+++ \(actualLabel)\n"
        // Group edits into hunks with `context` unchanged lines around each change.
        var index = 0
        while index < edits.count {
            guard let changeStart = edits[index...].firstIndex(where: { $0.kind != .same }) else { break }
            var hunkEnd = changeStart
            var scan = changeStart
            while scan < edits.count {
                if edits[scan].kind != .same { hunkEnd = scan; scan += 1; continue }
                // Stop when the next change is more than 2·context lines away.
                let nextChange = edits[scan...].firstIndex(where: { $0.kind != .same })
                if let next = nextChange, next - hunkEnd <= 2 * context { scan = next } else { break }
            }
            let lower = max(index, changeStart - context)
            let upper = min(edits.count - 1, hunkEnd + context)
            let hunk = edits[lower...upper]
            let aCount = hunk.filter { $0.kind != .insert }.count
            let bCount = hunk.filter { $0.kind != .delete }.count
            let aStart = (hunk.first?.aLine ?? 0) + expectedFirstLine
            let bStart = (hunk.first?.bLine ?? 0) + 1
            out += "@@ -\(aStart),\(aCount) +\(bStart),\(bCount) @@\n"
            for edit in hunk {
                switch edit.kind {
                case .same: out += " \(a[edit.aLine])\n"
                case .delete: out += "-\(a[edit.aLine])\n"
                case .insert: out += "+\(b[edit.bLine])\n"
                }
            }
            index = upper + 1
        }
        return out
    }

    static func splitLines(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    struct Edit {
        enum Kind { case same, delete, insert }
        var kind: Kind
        var aLine: Int  // index in a of this line, or of the next line of a for an insert
        var bLine: Int
    }

    /// The edit script from the LCS table (outputs are at most a few thousand lines).
    static func script(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count, m = b.count
        var table = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                }
            }
        }
        var edits: [Edit] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                edits.append(Edit(kind: .same, aLine: i, bLine: j)); i += 1; j += 1
            } else if i < n && (j == m || table[i + 1][j] >= table[i][j + 1]) {
                // Deletions first, as diff(1) prints them.
                edits.append(Edit(kind: .delete, aLine: i, bLine: j)); i += 1
            } else {
                edits.append(Edit(kind: .insert, aLine: i, bLine: j)); j += 1
            }
        }
        return edits
    }
}
