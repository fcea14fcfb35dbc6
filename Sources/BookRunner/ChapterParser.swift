import CCmark
import Foundation

/// Reads a chapter: cmark finds the fenced code blocks and their source lines; this file pairs each
/// `swift` block with its `output` blocks and checks the mistakes a writer makes.
public enum ChapterParser {
    /// Loads and parses the chapter at `file`; `path` (default: `file`) names it in messages and in
    /// `#sourceLocation`, relative to the book's root.
    public static func load(_ file: String, path: String? = nil) throws -> Chapter {
        let path = path ?? file
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ChapterError(path, "no such chapter (looked for \(path))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ChapterError(path, "the file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses a chapter's text. `path` is only used in messages.
    public static func parse(_ text: String, path: String) throws -> Chapter {
        let endsWithNewline = text.hasSuffix("\n")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if endsWithNewline { lines.removeLast() }
        // cmark counts a lone \r as a line end too; a \r\n file keeps its \r in `lines`, which bless preserves.
        let fences = try codeBlocks(text, lines: lines, path: path)
        var settings = ChapterSettings()
        for (lineNumber, line) in lines.enumerated() {
            try readSettings(line, into: &settings, path: path, line: lineNumber + 1)
        }

        var blocks: [SwiftBlock] = []
        for (info, fence) in fences {
            let words = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let language = words.first else { continue }
            if language == "swift" {
                let attributes = try parseAttributes(Array(words.dropFirst()), path: path, line: fence.openingLine)
                blocks.append(SwiftBlock(index: blocks.count, fence: fence, attributes: attributes))
            } else if language == "output" {
                let profile = words.dropFirst().first ?? "quick"
                guard words.count <= 2, profile == "quick" || profile == "full" else {
                    throw ChapterError(path, line: fence.openingLine,
                                       "an output block's info string is `output` or `output full`, not `\(info)`")
                }
                guard var owner = blocks.popLast() else {
                    throw ChapterError(path, line: fence.openingLine, "an `output` block with no `swift` block before it")
                }
                if profile == "full" {
                    guard owner.fullOutput == nil else {
                        throw ChapterError(path, line: fence.openingLine,
                                           "a second `output full` block for the swift block at line \(owner.fence.openingLine)")
                    }
                    owner.fullOutput = fence
                } else {
                    guard owner.output == nil, owner.fullOutput == nil else {
                        throw ChapterError(path, line: fence.openingLine,
                                           "a second `output` block for the swift block at line \(owner.fence.openingLine) (`output` comes before `output full`)")
                    }
                    owner.output = fence
                }
                blocks.append(owner)
            } else if language.hasPrefix("swift") || language.hasPrefix("output") {
                throw ChapterError(path, line: fence.openingLine,
                                   "unknown block kind `\(language)`: write `swift` or `output` followed by a space and attributes")
            }
        }
        // An output block belongs to the swift block right before it: a swift block with none yet.
        try checkOutputsFollowTheirBlocks(fences: fences.map(\.1), blocks: blocks, path: path)
        guard !blocks.isEmpty else {
            throw ChapterError(path, "the chapter has no `swift` blocks, so there is nothing to run")
        }
        return Chapter(path: path, lines: lines, endsWithNewline: endsWithNewline, blocks: blocks, settings: settings)
    }

    /// Every fenced code block with its info string, in document order; errors on an unterminated fence.
    static func codeBlocks(_ text: String, lines: [String], path: String) throws -> [(String, Fence)] {
        guard let document = text.withCString({ cmark_parse_document($0, strlen($0), CMARK_OPT_DEFAULT) }) else {
            throw ChapterError(path, "cmark could not parse the file")
        }
        defer { cmark_node_free(document) }
        guard let iterator = cmark_iter_new(document) else { throw ChapterError(path, "cmark failed") }
        defer { cmark_iter_free(iterator) }

        var result: [(String, Fence)] = []
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator),
                  cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK else { continue }
            let start = Int(cmark_node_get_start_line(node))
            let end = Int(cmark_node_get_end_line(node))
            guard start >= 1, start <= lines.count else { continue }
            let opening = lines[start - 1]
            guard let (prefix, marker) = fenceMarker(opening) else { continue }  // an indented code block
            let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
            let content = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
            let closing = end >= 1 && end <= lines.count ? lines[end - 1] : ""
            guard end > start, isClosingFence(closing, for: marker) else {
                throw ChapterError(path, line: start,
                                   "the code fence \(marker) opened here is never closed (end the block with a line \(marker))")
            }
            result.append((info, Fence(openingLine: start, closingLine: end, prefix: prefix, marker: marker,
                                       content: content)))
        }
        return result
    }

    /// The text before the fence and the fence itself, if `line` opens a fenced block.
    static func fenceMarker(_ line: String) -> (String, String)? {
        guard let index = line.firstIndex(where: { $0 == "`" || $0 == "~" }) else { return nil }
        let character = line[index]
        let marker = line[index...].prefix(while: { $0 == character })
        guard marker.count >= 3 else { return nil }
        return (String(line[..<index]), String(marker))
    }

    static func isClosingFence(_ line: String, for marker: String) -> Bool {
        guard let character = marker.first else { return false }
        let body = line.drop(while: { $0 == " " || $0 == ">" || $0 == "\t" })
        let run = body.prefix(while: { $0 == character })
        return run.count >= marker.count && body.dropFirst(run.count).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
    }

    static func parseAttributes(_ words: [String], path: String, line: Int) throws -> BlockAttributes {
        var attributes = BlockAttributes()
        for word in words {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            switch (parts[0], parts.count) {
            case ("hide", 1): attributes.hide = true
            case ("no-run", 1): attributes.noRun = true
            case ("should-fail", 1): attributes.shouldFail = true
            case ("tolerance", 2):
                attributes.relativeTolerance = try number(parts[1], name: "tolerance", path: path, line: line)
            case ("abs-tolerance", 2):
                attributes.absoluteTolerance = try number(parts[1], name: "abs-tolerance", path: path, line: line)
            default:
                throw ChapterError(path, line: line,
                                   "unknown attribute `\(word)` (known: hide, no-run, should-fail, tolerance=R, abs-tolerance=A)")
            }
        }
        if attributes.noRun && attributes.shouldFail {
            throw ChapterError(path, line: line, "a block cannot be both `no-run` and `should-fail`")
        }
        return attributes
    }

    static func number(_ text: String, name: String, path: String, line: Int) throws -> Double {
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw ChapterError(path, line: line, "`\(name)` needs a non-negative number, not `\(text)`")
        }
        return value
    }

    /// `<!-- book: timeout=900 figure-tolerance=1e-6 -->`
    static func readSettings(_ line: String, into settings: inout ChapterSettings, path: String, line number: Int) throws {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("<!-- book:"), trimmed.hasSuffix("-->") else { return }
        let body = trimmed.dropFirst("<!-- book:".count).dropLast(3)
        for word in body.split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            switch (parts[0], parts.count) {
            case ("timeout", 2):
                settings.timeout = try self.number(parts[1], name: "timeout", path: path, line: number)
            case ("figure-tolerance", 2):
                settings.figureTolerance = try self.number(parts[1], name: "figure-tolerance", path: path, line: number)
            default:
                throw ChapterError(path, line: number, "unknown book setting `\(word)` (known: timeout=SECONDS, figure-tolerance=R)")
            }
        }
    }

    /// An output block must come right after its swift block: no other code block between them.
    static func checkOutputsFollowTheirBlocks(fences: [Fence], blocks: [SwiftBlock], path: String) throws {
        for block in blocks {
            let outputs = [block.output, block.fullOutput].compactMap { $0 }
            var previous = block.fence.openingLine
            for output in outputs {
                if let between = fences.first(where: { $0.openingLine > previous && $0.openingLine < output.openingLine }) {
                    throw ChapterError(path, line: output.openingLine,
                                       "this `output` block does not follow its swift block: the code block at line \(between.openingLine) comes between")
                }
                previous = output.openingLine
            }
        }
    }
}
