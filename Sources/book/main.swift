import ArgumentParser
import BookRunner
import Foundation

// The engine is compiled for x86-64-v3 (see Package.swift): say so here rather than let a chapter die of
// an illegal instruction.
if let problem = EngineCPU.problem(missing: EngineCPU.missingFeatures()) {
    FileHandle.standardError.write(Data("book: \(problem)\n".utf8))
    exit(1)
}
// OpenBLAS reads its variables when it loads: set the book's arithmetic before any chapter (or this tool)
// loads it.
do {
    try Arithmetic.configureProcess()
} catch {
    FileHandle.standardError.write(Data("book: \(error)\n".utf8))
    exit(1)
}
BookCommands.Command.main()
