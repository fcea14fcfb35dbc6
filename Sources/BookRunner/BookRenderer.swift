import CCmark
import Foundation

/// Renders chapters to HTML with cmark: hidden blocks, and the outputs of the other profile, are left out.
/// The layout mirrors the source (`chapters/x.html`, `figures/`), so a chapter's links to its figures work.
public enum BookRenderer {
    public static func render(paths: [String], root: URL, output: URL, profile: String) throws -> [String] {
        let fileManager = FileManager.default
        let chaptersOut = output.appendingPathComponent("chapters")
        try fileManager.createDirectory(at: chaptersOut, withIntermediateDirectories: true)
        var written: [String] = []
        var index = "<!doctype html>\n<meta charset=\"utf-8\">\n<title>trufl-book</title>\n<h1>trufl-book</h1>\n<ol>\n"
        for path in paths {
            let chapter = try ChapterParser.load(root.appendingPathComponent(path).path, path: path)
            let dropped = droppedLines(chapter, profile: profile)
            let text = chapter.lines.joined(separator: "\n") + "\n"
            guard let document = text.withCString({ cmark_parse_document($0, strlen($0), CMARK_OPT_DEFAULT) }) else {
                throw ChapterError(path, "cmark could not parse the file")
            }
            defer { cmark_node_free(document) }
            var doomed: [OpaquePointer] = []
            var title = chapter.name
            var node = cmark_node_first_child(document)
            while let current = node {
                if cmark_node_get_type(current) == CMARK_NODE_CODE_BLOCK,
                   dropped.contains(Int(cmark_node_get_start_line(current))) {
                    doomed.append(current)
                }
                if cmark_node_get_type(current) == CMARK_NODE_HEADING, title == chapter.name,
                   let child = cmark_node_first_child(current), let literal = cmark_node_get_literal(child) {
                    title = String(cString: literal)
                }
                node = cmark_node_next(current)
            }
            for node in doomed { cmark_node_unlink(node); cmark_node_free(node) }
            guard let html = cmark_render_html(document, CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE) else { continue }
            let body = String(cString: html)
            free(html)
            let page = "<!doctype html>\n<meta charset=\"utf-8\">\n<title>\(escape(title))</title>\n"
                + "<style>body{max-width:52rem;margin:2rem auto;font-family:sans-serif;line-height:1.5}"
                + "pre{background:#f6f6f6;padding:.6rem;overflow-x:auto}img{max-width:100%}</style>\n" + body
            let name = chapter.name + ".html"
            try Data(page.utf8).write(to: chaptersOut.appendingPathComponent(name), options: .atomic)
            written.append(chaptersOut.appendingPathComponent(name).path)
            index += "<li><a href=\"chapters/\(name)\">\(escape(title))</a></li>\n"
        }
        index += "</ol>\n"
        try Data(index.utf8).write(to: output.appendingPathComponent("index.html"), options: .atomic)
        written.append(output.appendingPathComponent("index.html").path)
        // The figures travel with the pages.
        let figures = root.appendingPathComponent("figures"), figuresOut = output.appendingPathComponent("figures")
        try fileManager.createDirectory(at: figuresOut, withIntermediateDirectories: true)
        for name in (try? fileManager.contentsOfDirectory(atPath: figures.path)) ?? [] {
            let target = figuresOut.appendingPathComponent(name)
            try? fileManager.removeItem(at: target)
            try fileManager.copyItem(at: figures.appendingPathComponent(name), to: target)
        }
        return written
    }

    /// Opening lines of the code blocks a reader should not see under `profile`.
    static func droppedLines(_ chapter: Chapter, profile: String) -> Set<Int> {
        var lines = Set<Int>()
        for block in chapter.blocks {
            if block.attributes.hide {
                lines.insert(block.fence.openingLine)
                [block.output, block.fullOutput].compactMap { $0 }.forEach { lines.insert($0.openingLine) }
            } else if profile == "full" {
                // Under full, a block with its own `output full` shows that one instead of `output`.
                if block.fullOutput != nil, let quick = block.output { lines.insert(quick.openingLine) }
            } else if let full = block.fullOutput {
                lines.insert(full.openingLine)
            }
        }
        return lines
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
