import Foundation

/// The book's commands: `run`, `test` and `bless` over a set of chapters, as the `book` tool calls them.
public struct BookCommands {
    public enum Mode: String, Sendable { case run, test, bless }

    public struct Options: Sendable {
        public var profile = "quick"
        public var timeout: Double = 1800
        public var jobs = 1
        public var force = false
        /// The arithmetic's name (``Arithmetic``), part of the cache key.
        public var arithmetic = Arithmetic.book.rawValue
        public init() {}
    }

    public let toolchain: Toolchain
    public let options: Options

    public init(toolchain: Toolchain, options: Options) {
        self.toolchain = toolchain
        self.options = options
    }

    /// The committed figures: `book bless` writes them, `book test` compares with them.
    var figuresDirectory: URL { toolchain.root.appendingPathComponent("figures") }
    /// Where `book run` writes the figures it drew, so that running never changes the work tree.
    var runFiguresDirectory: URL { toolchain.root.appendingPathComponent(".build/figures") }

    /// The chapter files named by `arguments` (paths or bare names), or every chapter in order.
    public func resolve(_ arguments: [String]) throws -> [String] {
        let folder = toolchain.root.appendingPathComponent("chapters")
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
        if arguments.isEmpty {
            guard !all.isEmpty else { throw ChapterError("chapters", "there are no chapters in chapters/") }
            return all.map { "chapters/\($0)" }
        }
        return try arguments.map { argument in
            let path = URL(fileURLWithPath: argument, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
            if FileManager.default.fileExists(atPath: path) {
                let rootPath = toolchain.root.standardizedFileURL.path + "/"
                return path.hasPrefix(rootPath) ? String(path.dropFirst(rootPath.count)) : path
            }
            let bare = (argument as NSString).lastPathComponent
            let name = bare.hasSuffix(".md") ? bare : bare + ".md"
            if all.contains(name) { return "chapters/\(name)" }
            let prefixed = all.filter { $0.hasPrefix(bare + "-") }
            if prefixed.count == 1 { return "chapters/\(prefixed[0])" }
            throw ChapterError(argument, "unknown chapter (the chapters are: \(all.map { ($0 as NSString).deletingPathExtension }.joined(separator: ", ")))")
        }
    }

    /// The chapters at `paths`, parsed once, for commands that need them all at once (`render`).
    public func load(_ paths: [String]) throws -> [Chapter] {
        try paths.map { try ChapterParser.load(toolchain.root.appendingPathComponent($0).path, path: $0) }
    }

    /// Writes the HTML book of `chapters` into `output`, each chapter marked with its last test at this profile and
    /// arithmetic (the run cache's record); returns what was written.
    public func render(_ chapters: [Chapter], into output: URL) throws -> BookRenderer.Written {
        let cache = RunCache(root: toolchain.root, profile: options.profile, arithmetic: options.arithmetic)
        let tests = chapters.map { cache.lastTest($0, figuresDirectory: figuresDirectory) }
        return try BookRenderer(root: toolchain.root, profile: options.profile)
            .render(chapters, lastTests: tests, into: output)
    }

    /// Runs `mode` over `paths`; prints per-chapter results and a closing count; returns true when all passed.
    public func perform(_ mode: Mode, paths: [String]) -> Bool {
        let cache = RunCache(root: toolchain.root, profile: options.profile, arithmetic: options.arithmetic)
        let runner = ChapterRunner(toolchain: toolchain, profile: options.profile, timeout: options.timeout,
                                   echoProgress: true, cells: CellSettings(toolchain: toolchain, jobs: options.jobs))
        let results = Results(count: paths.count)
        let next = Counter()
        let workers = max(1, min(options.jobs, paths.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = next.take(below: paths.count) {
                let report = self.handle(paths[index], mode: mode, runner: runner, cache: cache)
                results.set(index, report)
                Console.print(report.details)
            }
        }
        let reports = results.all
        for report in reports { Console.print(report.summary) }
        Console.print(Self.closing(mode, reports))
        return reports.allSatisfy(\.ok)
    }

    /// The closing count, in the words of what was done: `run` says how many chapters ran and how many of
    /// those differ from their committed outputs; `test` how many passed; `bless` how many were blessed.
    static func closing(_ mode: Mode, _ reports: [Report]) -> String {
        let failed = reports.filter { !$0.ok }.count
        let cached = reports.filter(\.cached).count
        let cachedNote = cached > 0 ? " (\(cached) cached)" : ""
        switch mode {
        case .run:
            let ran = reports.count - failed
            let differ = reports.filter(\.differs).count
            return "chapters: \(ran) ran\(cachedNote), \(differ) differ from their committed outputs, \(failed) failed to run"
        case .test:
            return "chapters: \(reports.count - failed) passed\(cachedNote), \(failed) failed"
        case .bless:
            return "chapters: \(reports.count - failed) blessed, \(failed) failed"
        }
    }

    struct Report: Sendable {
        var ok: Bool
        var cached: Bool
        /// A chapter that ran to its end but printed or drew something else than its committed outputs.
        var differs = false
        var details: String
        var summary: String
    }

    func handle(_ path: String, mode: Mode, runner: ChapterRunner, cache: RunCache) -> Report {
        let chapter: Chapter
        do { chapter = try ChapterParser.load(toolchain.root.appendingPathComponent(path).path, path: path) } catch {
            return failure(path, nil, details: "\(error)", seconds: nil, cache: cache)
        }
        if mode != .bless, !options.force, let entry = cache.lookup(chapter, figuresDirectory: figuresDirectory) {
            let details = mode == .run ? Self.show(chapter, outputs: entry.outputs) : ""
            return Report(ok: true, cached: true, details: details, summary: line("cached", path, nil))
        }
        let run = runner.run(chapter)
        if let failure = run.failure {
            return self.failure(path, chapter, details: failure, seconds: run.seconds, cache: cache)
        }
        switch mode {
        case .run:
            var details = Self.show(chapter, outputs: run.outputs)
            do { try writeFigures(run.figures, into: runFiguresDirectory) } catch {
                return failure(path, chapter, details: "\(error)", seconds: run.seconds, cache: cache)
            }
            details += run.figures.keys.sorted().map { "wrote .build/figures/\($0)\n" }.joined()
            let mismatches = RunMismatches.of(run, profile: options.profile, figuresDirectory: figuresDirectory)
            if mismatches.isEmpty { passed(run, cache: cache) }
            let status = mismatches.isEmpty ? "ran" : "differs"
            if !mismatches.isEmpty {
                details += "\(path): \(mismatches.count) output block(s) or figure(s) differ from the committed ones (`book test \(path)` shows how)\n"
            }
            return Report(ok: true, cached: false, differs: !mismatches.isEmpty, details: details,
                          summary: line(status, path, run.seconds))
        case .test:
            let mismatches = RunMismatches.of(run, profile: options.profile, figuresDirectory: figuresDirectory)
            guard mismatches.isEmpty else {
                return failure(path, chapter, details: mismatches.joined(), seconds: run.seconds, cache: cache)
            }
            passed(run, cache: cache)
            return Report(ok: true, cached: false, details: "", summary: line("passed", path, run.seconds))
        case .bless:
            let text = Blesser.bless(chapter, outputs: run.outputs, profile: options.profile)
            let original = chapter.lines.joined(separator: "\n") + (chapter.endsWithNewline ? "\n" : "")
            do {
                if text != original { try Blesser.writeAtomically(text, to: toolchain.root.appendingPathComponent(path).path) }
                try writeFigures(run.figures, into: figuresDirectory)
            } catch {
                return failure(path, chapter, details: "\(error)", seconds: run.seconds, cache: cache)
            }
            let changed = text != original ? "updated \(path)\n" : ""
            return Report(ok: true, cached: false, details: changed, summary: line("blessed", path, run.seconds))
        }
    }

    /// The one place a failure's report is built. A chapter that loaded loses its cached pass and gets a failure
    /// record, which the rendered book shows (``LastTest``).
    func failure(_ path: String, _ chapter: Chapter?, details: String, seconds: Double?, cache: RunCache) -> Report {
        let report = Report(ok: false, cached: false, details: details.hasSuffix("\n") ? details : details + "\n",
                            summary: line("failed", path, seconds))
        if let chapter {
            cache.forget(chapter)
            cache.recordFailure(chapter, summary: report.summary, details: report.details)
        }
        return report
    }

    /// A run that matched the committed outputs: cached, and any earlier failure record dropped.
    func passed(_ run: ChapterRun, cache: RunCache) {
        cache.store(run)
        cache.forgetFailure(run.chapter)
    }

    /// Each block's output under a header naming its line, as `book run` shows it.
    static func show(_ chapter: Chapter, outputs: [Int: String]) -> String {
        var text = ""
        for block in chapter.blocks {
            guard let output = outputs[block.index], !output.isEmpty else { continue }
            text += "── \(chapter.path):\(block.fence.openingLine) ──\n" + output
            if !output.hasSuffix("\n") { text += "\n" }
        }
        return text
    }

    func writeFigures(_ figures: [String: Data], into directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, data) in figures.sorted(by: { $0.key < $1.key }) {
            let target = directory.appendingPathComponent(name)
            if FileManager.default.contents(atPath: target.path) == data { continue }
            try data.write(to: target, options: .atomic)
        }
    }

    func line(_ status: String, _ path: String, _ seconds: Double?) -> String {
        let time = seconds.map { String(format: "%.1f s", $0) } ?? ""
        return status.padding(toLength: 8, withPad: " ", startingAt: 0) + path + (time.isEmpty ? "" : "  " + time)
    }
}

/// Serialised printing for parallel chapters.
public enum Console {
    private static let lock = NSLock()
    public static func print(_ text: String) {
        guard !text.isEmpty else { return }
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [BookCommands.Report?]
    init(count: Int) { reports = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ report: BookCommands.Report) {
        lock.lock(); defer { lock.unlock() }
        reports[index] = report
    }
    var all: [BookCommands.Report] {
        lock.lock(); defer { lock.unlock() }
        return reports.compactMap { $0 }
    }
}
