import Foundation

/// What the pages load, copied into the book so that it opens from `file://` with no network: the book's own
/// stylesheet and script (`book-assets/` in the repository) and highlight.js from Debian's `libjs-highlight.js`,
/// a maintained highlighter with a Swift grammar, with its licence.
enum BookAssets {
    static let highlightFolder = URL(fileURLWithPath: "/usr/share/javascript/highlight.js")
    static let highlightLicence = URL(fileURLWithPath: "/usr/share/doc/libjs-highlight.js/copyright")
    static let highlightStyle = "github.css"

    /// Copies the assets into `output/assets`; returns how many files.
    static func copy(root: URL, into output: URL) throws -> Int {
        let fileManager = FileManager.default
        let assets = output.appendingPathComponent("assets"), highlight = assets.appendingPathComponent("highlight")
        try fileManager.createDirectory(at: highlight, withIntermediateDirectories: true)
        let script = highlightFolder.appendingPathComponent("highlight.min.js")
        guard fileManager.fileExists(atPath: script.path) else {
            throw ChapterError("book-assets", "highlight.js is missing (\(script.path)): install Debian's libjs-highlight.js (`make deps`)")
        }
        var copies: [(URL, URL)] = [
            (script, highlight.appendingPathComponent("highlight.min.js")),
            (highlightFolder.appendingPathComponent("styles/\(highlightStyle)"), highlight.appendingPathComponent(highlightStyle)),
            (highlightLicence, highlight.appendingPathComponent("LICENSE")),
        ]
        let own = root.appendingPathComponent("book-assets")
        for name in try fileManager.contentsOfDirectory(atPath: own.path).sorted() where !name.hasPrefix(".") {
            copies.append((own.appendingPathComponent(name), assets.appendingPathComponent(name)))
        }
        for (source, target) in copies { try copyFile(source, to: target) }
        return copies.count
    }

    /// Copies unless the target already holds the same bytes.
    static func copyFile(_ source: URL, to target: URL) throws {
        guard let data = FileManager.default.contents(atPath: source.path) else {
            throw ChapterError(source.path, "cannot read this file for the HTML book")
        }
        if FileManager.default.contents(atPath: target.path) == data { return }
        try data.write(to: target, options: .atomic)
    }
}
