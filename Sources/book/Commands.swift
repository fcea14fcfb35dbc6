import ArgumentParser
import BookRunner
import Foundation

extension BookCommands {
    struct Command: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "book",
            abstract: "Run, check, bless and render the chapters of trufl-book.",
            subcommands: [Run.self, Test.self, Bless.self, Render.self, Cells.self, ArithmeticCommand.self, Check.self])
    }

    /// Options every chapter command takes.
    struct Common: ParsableArguments {
        @OptionGroup var profile: ProfileOption

        @Option(help: "Seconds a chapter may run before it is stopped (a chapter may set its own).")
        var timeout: Double = 1800

        @Option(name: .short, help: "Chapters, and a chapter's experiment cells, to run at once (default: the cores).")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        @Flag(help: "Run chapters even when nothing changed since their last passing run.")
        var force = false

        @Argument(help: "Chapters to act on (chapters/01-x.md or 01-x); all of them by default.")
        var chapters: [String] = []

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("-j needs at least 1") }
            guard timeout > 0 else { throw ValidationError("--timeout needs a positive number of seconds") }
        }

        func perform(_ mode: BookCommands.Mode) throws {
            var options = BookCommands.Options()
            options.profile = profile.resolved
            options.timeout = timeout
            options.jobs = jobs
            options.force = force
            do {
                let arithmetic = try Arithmetic.fromEnvironment()
                options.arithmetic = arithmetic.rawValue
                let book = BookCommands(toolchain: try Toolchain.locate(), options: options)
                let paths = try book.resolve(chapters)
                Console.print("trufl-book · \(mode.rawValue) · profile \(options.profile) · \(arithmetic.describe())")
                if mode != .bless, let note = arithmetic.note(flags: Arithmetic.cpuFlags()) { Console.print(note) }
                if !book.perform(mode, paths: paths) { throw ExitCode.failure }
            } catch let error as ChapterError {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run chapters, show each block's output, write the figures.")
        @OptionGroup var common: Common
        func run() throws { try common.perform(.run) }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run chapters and compare every output and figure with the committed ones.")
        @OptionGroup var common: Common
        func run() throws { try common.perform(.test) }
    }

    struct Bless: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the actual outputs into the chapters' output blocks, and the figures into figures/.")
        @OptionGroup var common: Common
        func run() throws { try common.perform(.bless) }
    }

    struct Cells: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a chapter's experiment cells that are not cached, as command lines for a scheduler; or import results.",
            discussion: """
                `book cells 06 --profile full --output-dir DIR > cells.txt` prints one command line per missing cell \
                (each runs trufl-cell in the book's arithmetic and writes DIR/<key>.json); run them anywhere (Slurm: \
                scripts/slurm/run-array.sh cells.txt), then `book cells --import DIR` and `book run 06 --profile full`.
                """)
        @OptionGroup var profile: ProfileOption
        @Option(help: "Where the listed commands write their results (default: the cache itself, .build/cells).")
        var outputDir: String?
        @Option(name: .customLong("import"), help: "Copy the cell results in this folder into the cache.")
        var importFolder: String?
        @Argument(help: "Chapters to list the missing cells of.")
        var chapters: [String] = []

        func run() throws {
            do {
                let toolchain = try Toolchain.locate()
                let settings = CellSettings(toolchain: toolchain, jobs: 1)
                if let importFolder {
                    let count = try settings.importCells(from: URL(fileURLWithPath: importFolder))
                    FileHandle.standardError.write(Data("imported \(count) cell(s) into \(settings.directory.path)\n".utf8))
                    return
                }
                var options = BookCommands.Options()
                options.profile = profile.resolved
                guard !chapters.isEmpty else { throw ValidationError("name the chapters to list the cells of, or --import a folder") }
                let book = BookCommands(toolchain: toolchain, options: options)
                let arithmetic = try Arithmetic.fromEnvironment()
                let variables = arithmetic.environment(flags: Arithmetic.cpuFlags(), current: ProcessInfo.processInfo.environment)
                let prefix = (["env"] + variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
                for path in try book.resolve(chapters) {
                    let runner = ChapterRunner(toolchain: toolchain, profile: options.profile, timeout: 1800, echoProgress: false, cells: settings)
                    let chapter = try ChapterParser.load(toolchain.root.appendingPathComponent(path).path, path: path)
                    let (cells, stoppedEarly) = try runner.missingCells(chapter)
                    for line in cells {
                        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                              let experiment = object["experiment"] as? String, let key = object["key"] as? String,
                              let json = object["configuration"] as? String else { continue }
                        let output = outputDir.map { URL(fileURLWithPath: $0).appendingPathComponent(key + ".json").path }
                            ?? settings.directory.appendingPathComponent(experiment).appendingPathComponent(key + ".json").path
                        print([prefix, settings.tool.path, "--experiment", experiment, "--key", key,
                               "--configuration", Shell.quote(json), "--output", Shell.quote(output)].joined(separator: " "))
                    }
                    let note = cells.isEmpty ? "no missing cells" : "\(cells.count) missing cell(s)"
                        + (stoppedEarly ? " (the chapter stops at its first grid with missing cells: a later grid, if any, is listed once these are imported)" : "")
                    FileHandle.standardError.write(Data("\(path): \(note)\n".utf8))
                }
            } catch let error as ChapterError {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }

    /// Quoting for a POSIX shell.
    enum Shell {
        static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    }

    struct ArithmeticCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "arithmetic",
            abstract: "Say which arithmetic the chapters run in ($TRUFL_ARITHMETIC: book, avx2 or native).",
            discussion: "--env prints the variables it sets, one NAME=VALUE a line, for `env $(book arithmetic --env) CMD`.")
        @Flag(help: "Print only the environment variables this arithmetic sets.")
        var env = false
        func run() throws {
            let arithmetic = try Arithmetic.fromEnvironment()
            if env {
                for (name, value) in arithmetic.environment(flags: Arithmetic.cpuFlags(), current: ProcessInfo.processInfo.environment)
                    .sorted(by: { $0.key < $1.key }) {
                    print("\(name)=\(value)")
                }
            } else {
                print(arithmetic.describe())
                if let note = arithmetic.note(flags: Arithmetic.cpuFlags()) { print(note) }
            }
        }
    }
}
