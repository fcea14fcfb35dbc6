import ArgumentParser
import BookRunner
import Foundation

extension BookCommands {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render the chapters to HTML (hidden blocks left out), with their figures.")

        @Option(help: "Folder to write the HTML book into.")
        var output = ".build/book-html"

        @Option(help: "Whose outputs to show: quick or full.")
        var profile = "quick"

        func run() throws {
            do {
                let toolchain = try Toolchain.locate()
                let book = BookCommands(toolchain: toolchain, options: BookCommands.Options())
                let written = try BookRenderer.render(paths: try book.resolve([]), root: toolchain.root,
                                                      output: URL(fileURLWithPath: output), profile: profile)
                for path in written { print("wrote \(path)") }
            } catch let error as ChapterError {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
