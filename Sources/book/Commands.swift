import ArgumentParser
import BookRunner
import Foundation

extension Book {
    struct Command: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "book",
            abstract: "Run, check, bless and render the chapters of trufl-book.",
            subcommands: [Run.self, Test.self, Bless.self, Render.self, ArithmeticCommand.self])
    }

    /// Options every chapter command takes.
    struct Common: ParsableArguments {
        @Option(help: "quick (CI-sized) or full (the paper's scale); default: $BOOK_PROFILE or quick.")
        var profile: String?

        @Option(help: "Seconds a chapter may run before it is stopped (a chapter may set its own).")
        var timeout: Double = 1800

        @Option(name: .short, help: "Chapters to run at once.")
        var jobs: Int = 1

        @Flag(help: "Run chapters even when nothing changed since their last passing run.")
        var force = false

        @Argument(help: "Chapters to act on (chapters/01-x.md or 01-x); all of them by default.")
        var chapters: [String] = []

        func validate() throws {
            guard ["quick", "full"].contains(resolvedProfile) else {
                throw ValidationError("the profile is 'quick' or 'full', not '\(resolvedProfile)'")
            }
            guard jobs >= 1 else { throw ValidationError("-j needs at least 1") }
            guard timeout > 0 else { throw ValidationError("--timeout needs a positive number of seconds") }
        }

        var resolvedProfile: String {
            profile ?? ProcessInfo.processInfo.environment["BOOK_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "quick"
        }

        func perform(_ mode: Book.Mode) throws {
            var options = Book.Options()
            options.profile = resolvedProfile
            options.timeout = timeout
            options.jobs = jobs
            options.force = force
            do {
                let arithmetic = try Arithmetic.fromEnvironment()
                options.arithmetic = arithmetic.rawValue
                let book = Book(toolchain: try Toolchain.locate(), options: options)
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
