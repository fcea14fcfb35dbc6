import ArgumentParser
import BookRunner
import Foundation

extension BookCommands {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render the chapters as a static HTML book (hidden blocks left out), with their figures.",
            discussion: """
                Writes index.html, chapters/NAME.html, figures/ and assets/ into the output folder, which opens from \
                file:// with no network. Each chapter is marked with its last test at this profile and arithmetic \
                (the run cache). scripts/browser/check_book.py loads every page in headless Chromium.
                """)

        @OptionGroup var profile: ProfileOption

        @Option(help: "Folder to write the HTML book into (cleared first if `book render` wrote it before).")
        var output = ".build/book-html"

        @Argument(help: "Chapters to render (chapters/01-x.md or 01-x); all of them by default.")
        var chapters: [String] = []

        func run() throws {
            do {
                let start = Date()
                var options = BookCommands.Options()
                options.profile = profile.resolved
                options.arithmetic = try Arithmetic.fromEnvironment().rawValue
                let book = BookCommands(toolchain: try Toolchain.locate(), options: options)
                let loaded = try book.load(try book.resolve(chapters))
                let folder = URL(fileURLWithPath: output)
                let written = try book.render(loaded, into: folder)
                print(String(format: "rendered %d pages (the index and %d chapters), %d figures and %d assets into %@ in %.2f s (profile %@)",
                             written.pages.count, loaded.count, written.figures, written.assets, folder.path,
                             Date().timeIntervalSince(start), options.profile))
            } catch let error as ChapterError {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
