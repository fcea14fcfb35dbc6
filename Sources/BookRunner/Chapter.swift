import Foundation

/// A chapter: a CommonMark file whose fenced `swift` blocks are one program, each block optionally
/// followed by the `output` it must print.
///
/// Line numbers are 1-based source lines of the Markdown file, as cmark reports them; every error
/// and every diff names them.
public struct Chapter: Sendable {
    /// The path as the user gave it, relative to the book's root when possible (`chapters/01-x.md`).
    public var path: String
    /// The file's exact text, split into lines without their terminators.
    public var lines: [String]
    /// Whether the file ends with a newline (kept as is by `bless`).
    public var endsWithNewline: Bool
    /// The chapter's `swift` blocks in document order, each with its expected outputs.
    public var blocks: [SwiftBlock]
    /// Settings from `<!-- book: key=value ... -->` comments.
    public var settings: ChapterSettings

    /// The chapter's name without folder and extension (`01-truncated-sampling`).
    public var name: String { ((path as NSString).lastPathComponent as NSString).deletingPathExtension }
}

/// A fenced code block's place in the Markdown source.
public struct Fence: Sendable, Equatable {
    /// The line of the opening fence.
    public var openingLine: Int
    /// The line of the closing fence.
    public var closingLine: Int
    /// The characters before the fence on the opening line (indentation, or `> ` in a quote).
    public var prefix: String
    /// The fence itself (three or more backticks or tildes).
    public var marker: String
    /// The block's content, with indentation removed, each line ending in `\n`.
    public var content: String

    /// The first line of content.
    public var firstContentLine: Int { openingLine + 1 }
}

/// One `swift` block and what it must print.
public struct SwiftBlock: Sendable {
    public var index: Int
    public var fence: Fence
    public var attributes: BlockAttributes
    /// The `output` block holding the quick profile's expected output.
    public var output: Fence?
    /// The `output full` block holding the full profile's expected output.
    public var fullOutput: Fence?

    /// The block whose content is the expected output under `profile`: `output full` in the full profile
    /// when there is one, else `output`.
    public func expected(for profile: String) -> Fence? {
        profile == "full" ? (fullOutput ?? output) : output
    }
}

/// Attributes after `swift` in a block's info string (see chapters/README.md).
public struct BlockAttributes: Sendable, Equatable {
    /// Runs, but is left out of the rendered book.
    public var hide = false
    /// Compiled but not run.
    public var noRun = false
    /// Must stop the program with an error; its output is that error's text.
    public var shouldFail = false
    /// Numbers in the output may differ by this much, relative to their size.
    public var relativeTolerance: Double = 0
    /// Numbers in the output may differ by this much, absolutely.
    public var absoluteTolerance: Double = 0

    public init() {}

    public var tolerance: Tolerance { Tolerance(relative: relativeTolerance, absolute: absoluteTolerance) }
}

/// Per-chapter settings, written in the chapter as `<!-- book: timeout=900 figure-tolerance=1e-6 -->`.
public struct ChapterSettings: Sendable, Equatable {
    /// Seconds a chapter may run before it is stopped; nil uses the command line's limit.
    public var timeout: Double?
    /// Relative tolerance for the numbers in the chapter's SVG figures.
    public var figureTolerance: Double = 0

    public init() {}
}

/// A mistake in a chapter, named by its file and line.
public struct ChapterError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var line: Int?
    public var message: String

    public init(_ path: String, line: Int? = nil, _ message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(path):\(line): error: \(message)" }
        return "\(path): error: \(message)"
    }
}
