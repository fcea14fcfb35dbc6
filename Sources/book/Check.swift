import ArgumentParser
import BookRunner
import Foundation

extension BookCommands {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Flag numbers in the chapters' prose that none of their output blocks printed.",
            discussion: """
                Each flagged number is named with its file and line. A number quoted from the paper is marked so: \
                `(paper: 0.65)`, `the paper's 0.65`, or between `<!-- paper -->` and `<!-- /paper -->` \
                (chapters/README.md, "Numbers in the prose"). Nothing is run: the outputs are the committed ones.
                """)
        @Argument(help: "Chapters to check (chapters/01-x.md or 01-x); all of them by default.")
        var chapters: [String] = []

        func run() throws {
            do {
                let book = BookCommands(toolchain: try Toolchain.locate(), options: BookCommands.Options())
                if !(try book.checkProseNumbers(try book.resolve(chapters))) { throw ExitCode.failure }
            } catch let error as ChapterError {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
