import Foundation

/// Writes the book as static HTML: `index.html`, `chapters/NAME.html` for each chapter, the figures in `figures/`
/// (the same layout as the repository, so a chapter's `../figures/` links work) and the assets in `assets/`.
/// Everything a page loads is in the folder: it opens from `file://` with no network.
public struct BookRenderer {
    public struct Written: Sendable {
        public var pages: [String]
        public var figures: Int
        public var assets: Int
    }

    /// Marks a folder as one this renderer wrote, which it may therefore clear before writing again.
    static let marker = ".book-html"

    let root: URL
    let profile: String

    public init(root: URL, profile: String) {
        self.root = root
        self.profile = profile
    }

    public func render(_ chapters: [Chapter], lastTests: [LastTest], into output: URL) throws -> Written {
        guard chapters.count == lastTests.count else {
            throw ChapterError("book render", "\(chapters.count) chapters but \(lastTests.count) test results")
        }
        try prepare(output)
        let names = Set(chapters.map(\.name))
        var entries: [PageLayout.Entry] = []
        for (chapter, lastTest) in zip(chapters, lastTests) {
            let links = LinkTargets(chapterNames: names, pageFolder: "chapters", sourceChapter: chapter.name)
            entries.append(PageLayout.Entry(name: chapter.name, html: try ChapterHTML.render(chapter, profile: profile, links: links),
                                            lastTest: lastTest))
        }
        let layout = PageLayout(entries: entries, profile: profile)
        let chaptersOut = output.appendingPathComponent("chapters")
        try FileManager.default.createDirectory(at: chaptersOut, withIntermediateDirectories: true)
        var pages: [String] = []
        for index in entries.indices {
            let file = chaptersOut.appendingPathComponent(entries[index].name + ".html")
            try Data(layout.chapterPage(index).utf8).write(to: file, options: .atomic)
            pages.append(file.path)
        }
        let index = output.appendingPathComponent("index.html")
        try Data(layout.indexPage(introduction: introduction(), scorecard: try scorecard(chapters, names: names)).utf8)
            .write(to: index, options: .atomic)
        pages.insert(index.path, at: 0)
        return Written(pages: pages, figures: try copyFigures(into: output), assets: try BookAssets.copy(root: root, into: output))
    }

    /// Clears what an earlier render wrote (a renamed chapter leaves no stale page); refuses a folder it did not write.
    func prepare(_ output: URL) throws {
        let fileManager = FileManager.default
        let contents = (try? fileManager.contentsOfDirectory(atPath: output.path)) ?? []
        if !contents.isEmpty {
            guard contents.contains(Self.marker) else {
                throw ChapterError(output.path, "this folder is not empty and was not written by `book render`: choose another --output")
            }
            for name in ["index.html", "chapters", "figures", "assets"] {
                try? fileManager.removeItem(at: output.appendingPathComponent(name))
            }
        }
        try fileManager.createDirectory(at: output, withIntermediateDirectories: true)
        try Data("Written by `book render`; cleared by it.\n".utf8).write(to: output.appendingPathComponent(Self.marker))
    }

    /// The scorecard (a section of chapter 00 whose heading says so), with its links made to work from the index.
    func scorecard(_ chapters: [Chapter], names: Set<String>) throws -> String? {
        guard let first = chapters.first, first.name.hasPrefix("00") else { return nil }
        let links = LinkTargets(chapterNames: names, pageFolder: "", sourceChapter: first.name)
        return try ChapterHTML.render(first, profile: profile, links: links).section(containing: "scorecard")
    }

    /// The README's first paragraph (what the book is), as the index's opening words.
    func introduction() -> String {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent("README.md").path),
              let text = String(data: data, encoding: .utf8) else { return "" }
        let paragraph = text.split(separator: "\n", omittingEmptySubsequences: false)
            .drop(while: { !$0.hasPrefix("# ") }).dropFirst()
            .drop(while: { $0.trimmingCharacters(in: .whitespaces).isEmpty })
            .prefix(while: { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") })
        guard !paragraph.isEmpty else { return "" }
        return "<p class=\"lead\">\(CmarkTree.inlineHTML(paragraph.joined(separator: "\n")))</p>\n"
    }

    /// The committed figures travel with the pages.
    func copyFigures(into output: URL) throws -> Int {
        let figures = root.appendingPathComponent("figures"), figuresOut = output.appendingPathComponent("figures")
        try FileManager.default.createDirectory(at: figuresOut, withIntermediateDirectories: true)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: figures.path)) ?? []).filter { !$0.hasPrefix(".") }
        for name in names {
            try BookAssets.copyFile(figures.appendingPathComponent(name), to: figuresOut.appendingPathComponent(name))
        }
        return names.count
    }
}
