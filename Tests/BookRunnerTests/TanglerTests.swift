import Testing
@testable import BookRunner

@Suite struct TanglerTests {
    @Test func blocksRunInOrderWithSourceLocations() throws {
        let chapter = try ChapterParser.parse("""
            ```swift
            let x = 1
            ```

            ```swift no-run
            print(x)
            ```

            ```swift should-fail
            fatalError()
            ```
            """, path: "chapters/t.md")
        let program = Tangler.program(for: chapter)
        // Each block's code is placed after a marker and a #sourceLocation pointing at its first line.
        let first = try #require(program.range(of: "__book.block(0)\n#sourceLocation(file: \"chapters/t.md\", line: 2)\nlet x = 1\n"))
        let second = try #require(program.range(of: "__book.block(1)\nif __book.never {\n#sourceLocation(file: \"chapters/t.md\", line: 6)\nprint(x)\n"))
        let third = try #require(program.range(of: "__book.block(2)\nif __book.failingBlock == 2 {\n#sourceLocation(file: \"chapters/t.md\", line: 10)\nfatalError()\n#sourceLocation()\n__book.didNotFail()\n}"))
        #expect(first.upperBound <= second.lowerBound && second.upperBound <= third.lowerBound)
        #expect(program.hasSuffix("fputs(\"\\u{1E}book-finished\\u{1E}\\n\", stderr)\n"))
    }

    @Test func splitsStreamsAtMarkers() {
        let stream = "preamble\n\(Tangler.marker(0))\na\nb\n\(Tangler.marker(1))\n\(Tangler.marker(2))\nc"
        let sections = ChapterRunner.split(stream)
        #expect(sections[0] == "a\nb\n")
        #expect(sections[1] == "")
        #expect(sections[2] == "c", "a last line cut short by a crash is kept as printed")
    }

    @Test func errorTextDropsTheRuntimePathPrefix() {
        let stderr = "noise\nTrufl/X.swift:40: Fatal error: m must lie in (0, 1)\nCurrent stack trace:\n0 x\n"
        #expect(ChapterRunner.errorText(stderr, status: 4, signalled: true) == "Fatal error: m must lie in (0, 1)")
        #expect(ChapterRunner.errorText("", status: 11, signalled: true) == "killed by signal 11 (SIGSEGV)")
    }
}
