import Foundation
import Testing
@testable import BookRunner

/// The errors a chapter's writer meets when the program runs, each naming the Markdown file and line.
/// These compile real chapters against the release-built engine (`make` builds it before the tests).
@Suite(.serialized) struct RunnerErrorTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A throwaway book folder holding one chapter, run with the package's release build.
    func run(_ text: String, timeout: Double = 120) throws -> ChapterRun {
        let build = Self.packageRoot.appendingPathComponent(".build/release")
        try #require(FileManager.default.fileExists(atPath: build.appendingPathComponent("libTruflBook.so").path),
                     "build the engine first: swift build -c release")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("book-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(text.utf8).write(to: root.appendingPathComponent("chapters/01-t.md"))
        let toolchain = Toolchain(root: root, buildDirectory: build, swiftc: try Toolchain.findSwiftc(ProcessInfo.processInfo.environment))
        let chapter = try ChapterParser.load(root.appendingPathComponent("chapters/01-t.md").path, path: "chapters/01-t.md")
        return ChapterRunner(toolchain: toolchain, profile: "quick", timeout: timeout, echoProgress: false).run(chapter)
    }

    @Test func sharedStateAndOutputsPerBlock() throws {
        let result = try run("```swift\nvar total = 1\nprint(\"a\")\n```\n\nText.\n\n```swift\ntotal += 1\nprint(total)\n```\n")
        #expect(result.failure == nil)
        #expect(result.outputs == [0: "a\n", 1: "2\n"])
    }

    @Test func compileErrorNamesTheMarkdownLine() throws {
        let result = try run("# T\n\n```swift\nlet x = 1\n```\n\n```swift\nlet y: Int = \"no\"\n```\n")
        let failure = try #require(result.failure)
        #expect(failure.contains("chapters/01-t.md:8:"), "\(failure)")
        #expect(failure.contains("error: cannot convert value of type 'String'"))
    }

    @Test func trapIsAttributedToItsBlockKeepingEarlierOutput() throws {
        let result = try run("```swift\nprint(\"fine\")\n```\n\n```swift\nprint(\"before\")\nlet a = [1]\nprint(a[3])\n```\n\n```swift\nprint(\"never\")\n```\n")
        let failure = try #require(result.failure)
        #expect(failure.hasPrefix("chapters/01-t.md:5: error: in the block starting here"), "\(failure)")
        #expect(failure.contains("Fatal error: Index out of range"))
        #expect(failure.contains("It printed before it stopped:\nbefore\n"))
        #expect(!failure.contains("never"))
    }

    @Test func fatalErrorNamesTheChapterLine() throws {
        let result = try run("```swift\nlet n = 2\nif n > 1 { fatalError(\"n too big\") }\n```\n")
        let failure = try #require(result.failure)
        #expect(failure.contains("Fatal error: n too big"), "\(failure)")
        #expect(failure.hasPrefix("chapters/01-t.md:1: error:"))
    }

    @Test func timeLimit() throws {
        let result = try run("<!-- book: timeout=1 -->\n\n```swift\nimport Glibc\nprint(\"start\")\nsleep(30)\n```\n")
        let failure = try #require(result.failure)
        #expect(failure.hasPrefix("chapters/01-t.md:3: error: in the block starting here, the chapter ran past its time limit of 1 s"), "\(failure)")
        #expect(failure.contains("start"))
        #expect(result.seconds < 20)
    }

    @Test func shouldFailCapturesTheErrorAndTheRestRuns() throws {
        let result = try run("```swift\nvar x = 1\n```\n\n```swift should-fail\nprint(\"trying\")\nfatalError(\"bad \\(x)\")\n```\n\n```swift\nx += 1\nprint(x)\n```\n")
        #expect(result.failure == nil, "\(result.failure ?? "")")
        #expect(result.outputs[1] == "trying\nFatal error: bad 1\n")
        #expect(result.outputs[2] == "2\n")
    }

    @Test func shouldFailThatSucceedsIsAnError() throws {
        let result = try run("```swift should-fail\nprint(\"fine\")\n```\n")
        let failure = try #require(result.failure)
        #expect(failure.hasPrefix("chapters/01-t.md:1: error: this block is marked should-fail, but it finished without an error"))
    }

    @Test func noRunBlocksCompileButDoNotRun() throws {
        let ok = try run("```swift no-run\nprint(\"hidden\")\n```\n\n```swift\nprint(\"shown\")\n```\n")
        #expect(ok.outputs[1] == "shown\n")
        #expect(ok.outputs[0] == nil)
        let broken = try run("```swift no-run\nlet x: Int = \"s\"\n```\n")
        #expect(broken.failure?.contains("chapters/01-t.md:2:") == true)
    }

    @Test func figuresAreCollected() throws {
        let result = try run("```swift\nimport Trufl\nBookPaths.writeFigure(\"<svg/>\\n\", named: \"t.svg\")\n```\n")
        #expect(result.failure == nil, "\(result.failure ?? "")")
        #expect(result.figures["t.svg"] == Data("<svg/>\n".utf8))
    }

    @Test func atomicWriteReplacesWholeFileAndLeavesNoTemporary() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bless-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.md").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: path))
        try Blesser.writeAtomically("new\n", to: path)
        #expect(FileManager.default.contents(atPath: path) == Data("new\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["c.md"])
        // A folder that cannot be written: the write fails and the chapter keeps its text.
        chmod(folder.path, 0o500)
        defer { chmod(folder.path, 0o700) }
        if getuid() != 0 {  // root ignores permissions
            #expect(throws: (any Error).self) { try Blesser.writeAtomically("newer\n", to: path) }
            #expect(FileManager.default.contents(atPath: path) == Data("new\n".utf8))
        }
    }

    @Test func chapterArgumentsByPathOrBareName() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("book-resolve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["01-one.md", "02-two.md", "README.md"] {
            try Data("x\n".utf8).write(to: root.appendingPathComponent("chapters/\(name)"))
        }
        let book = BookCommands(toolchain: Toolchain(root: root, buildDirectory: root, swiftc: "swiftc"), options: BookCommands.Options())
        #expect(try book.resolve([]) == ["chapters/01-one.md", "chapters/02-two.md"])
        #expect(try book.resolve(["02-two", "01-one.md", "02"]) == ["chapters/02-two.md", "chapters/01-one.md", "chapters/02-two.md"])
        #expect(try book.resolve([root.appendingPathComponent("chapters/01-one.md").path]) == ["chapters/01-one.md"])
        #expect(throws: ChapterError.self) { try book.resolve(["03-three"]) }
        do { _ = try book.resolve(["nope"]) } catch let error as ChapterError {
            #expect(error.description == "nope: error: unknown chapter (the chapters are: 01-one, 02-two)")
        }
    }
}
