import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The protocol between the runner and a chapter's program, defined once: the runner tangles a chapter into
/// one program whose prelude calls these (``Tangler`` in `Sources/BookRunner`), and splits what the program
/// prints at these markers.
///
/// Each block's output starts with ``marker(_:)`` on a line of its own, on standard output and on standard
/// error; ``finishedMarker`` on standard error says that every block ran; ``didNotFailMarker`` that a
/// `should-fail` block finished without the error it promised. Every marker starts and ends with
/// ``separator``, a byte no chapter prints (the runner drops such lines when it echoes progress).
public enum BookProgram {
    /// ASCII's record separator.
    public static let separator = "\u{1E}"
    /// What a block marker starts with, before its index.
    public static let blockPrefix = separator + "book-block "
    public static func marker(_ index: Int) -> String { blockPrefix + "\(index)" + separator }
    public static let didNotFailMarker = separator + "book-did-not-fail" + separator
    public static let finishedMarker = separator + "book-finished" + separator
    /// Names the `should-fail` block this run is for (the runner runs the program once more for each).
    public static let failBlockVariable = "BOOK_FAIL_BLOCK"

    /// The block index a marker line names, or nil for another line.
    public static func blockIndex(_ line: Substring) -> Int? {
        guard line.hasPrefix(blockPrefix), line.hasSuffix(separator) else { return nil }
        return Int(line.dropFirst(blockPrefix.count).dropLast(separator.count))
    }

    // The calls the generated prelude makes.

    /// Line-buffered standard output, so that a crash keeps every line printed before it; freed tensor memory
    /// kept in the process (``ProcessMemory``).
    public static func start() {
        setvbuf(stdout, nil, _IOLBF, 0)
        ProcessMemory.keepFreedMemory()
    }

    /// The `should-fail` block this run is for, or −1.
    public static let failingBlock = ProcessInfo.processInfo.environment[failBlockVariable].flatMap { Int($0) } ?? -1

    /// False, in a way the compiler cannot see: `no-run` blocks are compiled inside `if BookProgram.never { … }`.
    public static var never: Bool { getenv("BOOK_NEVER_SET_THIS") != nil }

    /// Marks the start of block `index` on both streams.
    public static func block(_ index: Int) {
        fflush(stdout)
        let line = marker(index) + "\n"
        fputs(line, stdout); fflush(stdout)
        fputs(line, stderr); fflush(stderr)
    }

    /// A `should-fail` block finished without an error: say so and stop.
    public static func didNotFail() -> Never {
        fflush(stdout)
        fputs(didNotFailMarker + "\n", stderr)
        exit(0)
    }

    /// Every block ran.
    public static func finished() {
        fflush(stdout)
        fputs(finishedMarker + "\n", stderr)
    }
}

/// The variables by which the runner tells a chapter's program where its experiment cells are cached and how
/// to run them (read by `Cells` in `Sources/BookCells`, set by `CellSettings` in `Sources/BookRunner`).
public enum CellVariables {
    /// The cache folder (`.build/cells`); unset, every cell runs in the chapter's own process and nothing is kept.
    public static let directory = "BOOK_CELLS"
    /// What every cell's key covers besides its configuration: the engine sources' hash, the profile and the
    /// arithmetic, as the runner computes them.
    public static let salt = "BOOK_CELL_SALT"
    /// The `trufl-cell` executable.
    public static let tool = "BOOK_CELL_TOOL"
    /// Cells at a time.
    public static let jobs = "BOOK_JOBS"
    /// Set by `book cells`: list the missing cells into this file instead of running them.
    public static let listFile = "BOOK_CELLS_LIST"
}
