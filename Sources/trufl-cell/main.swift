// trufl-cell: runs one experiment cell (Sources/Trufl/Cells) and stores its result. `book` starts it for a
// chapter's missing cells; `book cells` prints command lines of it for a scheduler (Slurm, GNU parallel).
import ArgumentParser
import BookSupport
import Foundation
import Trufl

struct TruflCell: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trufl-cell",
        abstract: "Run one experiment cell of trufl-book and write its result where the book's cache reads it.")

    @Option(help: "The experiment (\(Experiments.all.map { $0.name }.joined(separator: ", "))).")
    var experiment: String

    @Option(help: "The cell's key, as the chapter computed it (its file name in the cache).")
    var key: String

    @Option(help: "The cell's configuration, as JSON.")
    var configuration: String

    @Option(help: "Where to write the result (the cache's <experiment>/<key>.json, or a folder for `book cells --import`).")
    var output: String

    func run() throws {
        var target = URL(fileURLWithPath: output)
        if output.hasSuffix("/") || (try? target.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
            target = target.appendingPathComponent(key + ".json")
        }
        do {
            let result = try Experiments.run(named: experiment, configuration: Data(configuration.utf8))
            try Experiments.store(experiment: experiment, key: key, configuration: configuration, result: result, to: target)
        } catch {
            FileHandle.standardError.write(Data("trufl-cell: \(experiment) \(key): \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

ProcessMemory.keepFreedMemory()
TruflCell.main()
