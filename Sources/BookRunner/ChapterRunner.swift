import BookSupport
import Foundation

/// What running a chapter printed: each block's output, the figures it wrote, or why it stopped.
public struct ChapterRun: Sendable {
    public var chapter: Chapter
    /// Block index → what the block printed (for a `should-fail` block: its output then its error).
    public var outputs: [Int: String] = [:]
    /// Figure file name → contents, as the chapter wrote them.
    public var figures: [String: Data] = [:]
    /// Why the chapter could not run to the end, naming the file and line; nil when it did.
    public var failure: String?
    public var seconds: Double = 0
}

/// Compiles and runs one chapter: the pure steps (parse, tangle) are elsewhere; this is the part with
/// processes and files.
public struct ChapterRunner: Sendable {
    public var toolchain: Toolchain
    public var profile: String
    public var timeout: Double
    /// Echo the chapter's stderr (training progress) while it runs.
    public var echoProgress: Bool
    /// Where the chapter's experiment cells are cached and how they run (nil: in the chapter's own process).
    public var cells: CellSettings?

    public init(toolchain: Toolchain, profile: String, timeout: Double, echoProgress: Bool, cells: CellSettings? = nil) {
        self.toolchain = toolchain
        self.profile = profile
        self.timeout = timeout
        self.echoProgress = echoProgress
        self.cells = cells
    }

    public func run(_ chapter: Chapter) -> ChapterRun {
        let started = Date()
        var result = execute(chapter)
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    func execute(_ chapter: Chapter) -> ChapterRun {
        var result = ChapterRun(chapter: chapter)
        let fileManager = FileManager.default
        let work = workDirectory(chapter)
        let figures = work.appendingPathComponent("figures")
        do {
            try? fileManager.removeItem(at: figures)
            try fileManager.createDirectory(at: figures, withIntermediateDirectories: true)
            let executable: String
            switch try compile(chapter) {
            case .success(let path): executable = path
            case .failure(let error): result.failure = error.description; return result
            }
            let limit = chapter.settings.timeout ?? timeout
            var environment = baseEnvironment()
            environment[BookPaths.figuresVariable] = figures.path
            let main = try Subprocess.run(executable, [], environment: environment, timeout: limit, echoStderr: echoProgress)
            let sections = Self.split(main.stdout), errors = Self.split(main.stderr)
            for block in chapter.blocks where !block.attributes.shouldFail && !block.attributes.noRun {
                result.outputs[block.index] = sections[block.index] ?? ""
            }
            if !main.stderr.contains(BookProgram.finishedMarker) {
                let last = sections.keys.max() ?? 0
                let block = chapter.blocks[last]
                let reason = main.timedOut ? "the chapter ran past its time limit of \(Int(limit)) s"
                    : "the program stopped with an error: \(Self.errorText(errors[last] ?? main.stderr, status: main.status, signalled: main.signalled))"
                result.failure = "\(chapter.path):\(block.fence.openingLine): error: in the block starting here, \(reason)"
                    + Self.partial(sections[last])
                return result
            }
            for name in try fileManager.contentsOfDirectory(atPath: figures.path).sorted() {
                result.figures[name] = fileManager.contents(atPath: figures.appendingPathComponent(name).path)
            }

            // Each should-fail block: run the program again up to that block, which must stop it.
            for block in chapter.blocks where block.attributes.shouldFail {
                environment[BookProgram.failBlockVariable] = String(block.index)
                environment[BookPaths.figuresVariable] = work.appendingPathComponent("figures-should-fail").path
                // Not echoed: the failure it ends with is expected, and shown as the block's output.
                let failing = try Subprocess.run(executable, [], environment: environment, timeout: limit)
                let out = Self.split(failing.stdout), err = Self.split(failing.stderr)
                let line = block.fence.openingLine
                if failing.timedOut {
                    result.failure = "\(chapter.path):\(line): error: this should-fail block ran past the time limit of \(Int(limit)) s"
                    return result
                }
                if failing.stderr.contains(BookProgram.didNotFailMarker) || failing.stderr.contains(BookProgram.finishedMarker) {
                    result.failure = "\(chapter.path):\(line): error: this block is marked should-fail, but it finished without an error"
                        + Self.partial(out[block.index])
                    return result
                }
                guard (out.keys.max() ?? -1) == block.index else {
                    let stopped = chapter.blocks[out.keys.max() ?? 0].fence.openingLine
                    result.failure = "\(chapter.path):\(stopped): error: while reaching the should-fail block at line \(line), the block here stopped the program"
                    return result
                }
                let text = Self.errorText(err[block.index] ?? "", status: failing.status, signalled: failing.signalled)
                result.outputs[block.index] = (out[block.index] ?? "") + text + "\n"
            }
        } catch {
            result.failure = "\(chapter.path): error: \(error)"
        }
        return result
    }

    func workDirectory(_ chapter: Chapter) -> URL {
        toolchain.root.appendingPathComponent(".build/book/\(profile)/\(chapter.name)")
    }

    /// The environment every run of a chapter's program gets: the profile, the cells' settings, no backtraces.
    func baseEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment[Profile.variable] = profile
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment.removeValue(forKey: BookProgram.failBlockVariable)
        environment.removeValue(forKey: CellVariables.listFile)
        if let cells { environment.merge(cells.environment(profile: profile)) { $1 } }
        return environment
    }

    /// Tangles and compiles the chapter; the executable's path, or the compiler's complaint.
    func compile(_ chapter: Chapter) throws -> Result<String, ChapterError> {
        let work = workDirectory(chapter)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let source = work.appendingPathComponent("main.swift").path
        let executable = work.appendingPathComponent("chapter").path
        try Data(Tangler.program(for: chapter).utf8).write(to: URL(fileURLWithPath: source), options: .atomic)
        let compile = try Subprocess.run(toolchain.swiftc, toolchain.compileArguments(source: source, executable: executable),
                                         timeout: 600)
        guard compile.status == 0, !compile.signalled else {
            return .failure(ChapterError(chapter.path, "the chapter does not compile:\n" + compile.stderr))
        }
        return .success(executable)
    }

    /// The chapter's cells that are not in the cache, one JSON object each (experiment, key, label,
    /// configuration as JSON text), found by running the chapter up to its first grid that has any (`book cells`).
    public func missingCells(_ chapter: Chapter) throws -> (cells: [String], stoppedEarly: Bool) {
        let executable: String
        switch try compile(chapter) {
        case .success(let path): executable = path
        case .failure(let error): throw error
        }
        let list = workDirectory(chapter).appendingPathComponent("missing-cells.jsonl")
        try Data().write(to: list)
        var environment = baseEnvironment()
        environment[CellVariables.listFile] = list.path
        environment[BookPaths.figuresVariable] = workDirectory(chapter).appendingPathComponent("figures-listing").path
        let run = try Subprocess.run(executable, [], environment: environment, timeout: chapter.settings.timeout ?? timeout)
        let lines = String(decoding: (try? Data(contentsOf: list)) ?? Data(), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        if lines.isEmpty, !run.stderr.contains(BookProgram.finishedMarker) {
            throw ChapterError(chapter.path, "the chapter stopped before it asked for any cell: "
                + Self.errorText(run.stderr, status: run.status, signalled: run.signalled))
        }
        return (lines, !lines.isEmpty)
    }

    /// Splits a stream at the block markers: block index → the text after its marker.
    static func split(_ stream: String) -> [Int: String] {
        var sections: [Int: String] = [:]
        var current: Int?
        var text = ""
        for line in stream.split(separator: "\n", omittingEmptySubsequences: false).dropLast(stream.hasSuffix("\n") ? 1 : 0) {
            if let index = BookProgram.blockIndex(line) {
                if let current { sections[current] = text }
                current = index
                text = ""
            } else if line.hasPrefix(BookProgram.separator) {
                continue
            } else if current != nil {
                text += line + "\n"
            }
        }
        if let current {
            // A last line without its newline (a crash mid-line) is kept as it was printed.
            if !stream.hasSuffix("\n"), text.hasSuffix("\n") { text.removeLast() }
            sections[current] = text
        }
        return sections
    }

    /// The error a stopped program reported, without the source path the runtime prefixes
    /// (`Trufl/X.swift:40: Fatal error: m must lie in (0, 1)` → `Fatal error: m must lie in (0, 1)`).
    static func errorText(_ stderr: String, status: Int32, signalled: Bool) -> String {
        let kinds = ["Fatal error:", "Precondition failed:", "Assertion failed:"]
        for line in stderr.split(separator: "\n") {
            for kind in kinds {
                if let range = line.range(of: kind) { return String(line[range.lowerBound...]) }
            }
        }
        if signalled {
            let names: [Int32: String] = [SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGSEGV: "SIGSEGV",
                                          SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL"]
            return "killed by signal \(status) (\(names[status] ?? "?"))"
        }
        return "exit status \(status)"
    }

    static func partial(_ output: String?) -> String {
        guard let output, !output.isEmpty else { return "" }
        return "\nIt printed before it stopped:\n" + output + (output.hasSuffix("\n") ? "" : "\n")
    }
}
