import Foundation

/// Writes actual outputs into a chapter's `output` blocks by splicing source lines: every byte outside
/// the changed blocks stays as it was (the Markdown is never re-rendered).
public enum Blesser {
    /// The chapter's new text with `outputs` (block index → text) written in for `profile`.
    /// Blocks whose expected output already matches are left alone, so blessing a passing chapter is a no-op.
    public static func bless(_ chapter: Chapter, outputs: [Int: String], profile: String) -> String {
        var lines = chapter.lines
        // Edit from the bottom up so earlier line numbers stay valid.
        for block in chapter.blocks.reversed() {
            guard let actual = outputs[block.index] else { continue }
            let isFull = profile == "full"
            let tolerance = block.attributes.tolerance
            if isFull, block.fullOutput == nil, let quick = block.output,
               OutputComparison.matches(expected: quick.content, actual: actual, tolerance: tolerance) { continue }
            let target = isFull ? block.fullOutput : block.output
            if let target {
                // An output that already matches (within the block's tolerance) stays byte for byte.
                guard !OutputComparison.matches(expected: target.content, actual: actual, tolerance: tolerance) else { continue }
                let replacement = fencedLines(actual, openingLine: lines[target.openingLine - 1], fence: target)
                lines.replaceSubrange((target.openingLine - 1)..<target.closingLine, with: replacement)
            } else {
                guard !actual.isEmpty else { continue }
                let after = isFull ? (block.output ?? block.fence) : block.fence
                let prefix = continuationPrefix(block.fence.prefix)
                let inserted = [prefix.trimmingTrailingSpaces()]
                    + fencedLines(actual, info: isFull ? "output full" : "output", prefix: prefix, marker: "```")
                lines.insert(contentsOf: inserted, at: after.closingLine)
            }
        }
        return lines.joined(separator: "\n") + (chapter.endsWithNewline ? "\n" : "")
    }

    /// Rewrites an existing block, keeping its opening line when its fence is long enough for `content`.
    static func fencedLines(_ content: String, openingLine: String, fence: Fence) -> [String] {
        let prefix = continuationPrefix(fence.prefix)
        let marker = longEnoughMarker(fence.marker, for: content)
        var opening = openingLine
        if marker != fence.marker {
            opening = fence.prefix + marker + opening.dropFirst(fence.prefix.count + fence.marker.count)
        }
        return [opening] + contentLines(content, prefix: prefix) + [prefix + marker]
    }

    static func fencedLines(_ content: String, info: String, prefix: String, marker: String) -> [String] {
        let marker = longEnoughMarker(marker, for: content)
        return [prefix + marker + info] + contentLines(content, prefix: prefix) + [prefix + marker]
    }

    static func contentLines(_ content: String, prefix: String) -> [String] {
        guard !content.isEmpty else { return [] }
        var lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if content.hasSuffix("\n") { lines.removeLast() }
        return lines.map { ($0.isEmpty ? prefix.trimmingTrailingSpaces() : prefix + $0) }
    }

    /// A fence the content cannot close: longer than any run of the fence character that starts a content line.
    static func longEnoughMarker(_ marker: String, for content: String) -> String {
        guard let character = marker.first else { return "```" }
        var longest = 0
        for line in content.split(separator: "\n") {
            let run = line.drop(while: { $0 == " " }).prefix(while: { $0 == character }).count
            longest = max(longest, run)
        }
        return longest >= marker.count ? String(repeating: character, count: longest + 1) : marker
    }

    /// The indentation that continues a block opened after `prefix` (a list marker becomes spaces; `>` stays).
    static func continuationPrefix(_ prefix: String) -> String {
        String(prefix.map { $0 == ">" ? ">" : " " })
    }

    /// Writes `text` to `path` through a temporary file and a rename, so an interrupted write never
    /// leaves a half-written chapter.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).bless-\(getpid()).tmp")
        try Data(text.utf8).write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ChapterError(path, "cannot replace the chapter: \(reason)")
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
