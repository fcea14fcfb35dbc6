import Testing
@testable import BookRunner

@Suite struct ChapterParserTests {
    let sample = """
        # Title

        ```swift hide
        let a = 1
        ```

        Prose.

        ```swift tolerance=1e-6 abs-tolerance=0.5
        print(a)
        ```

        ```output
        1
        ```

        ```output full
        1.0
        ```

        ```swift should-fail
        fatalError("x")
        ```

        ~~~~swift no-run
        print(2)
        ~~~~
        """

    @Test func pairsBlocksWithTheirOutputs() throws {
        let chapter = try ChapterParser.parse(sample, path: "chapters/x.md")
        #expect(chapter.blocks.count == 4)
        #expect(chapter.blocks[0].attributes.hide)
        #expect(chapter.blocks[0].output == nil)
        let second = chapter.blocks[1]
        #expect(second.fence.openingLine == 9)
        #expect(second.fence.content == "print(a)\n")
        #expect(second.attributes.relativeTolerance == 1e-6)
        #expect(second.attributes.absoluteTolerance == 0.5)
        #expect(second.output?.openingLine == 13)
        #expect(second.output?.content == "1\n")
        #expect(second.fullOutput?.content == "1.0\n")
        #expect(second.expected(for: "full")?.content == "1.0\n")
        #expect(second.expected(for: "quick")?.content == "1\n")
        #expect(chapter.blocks[2].attributes.shouldFail)
        #expect(chapter.blocks[3].attributes.noRun)
        #expect(chapter.blocks[3].fence.marker == "~~~~")
    }

    @Test func readsChapterSettings() throws {
        let chapter = try ChapterParser.parse("<!-- book: timeout=12 figure-tolerance=1e-4 -->\n\n```swift\nprint(1)\n```\n",
                                              path: "c.md")
        #expect(chapter.settings.timeout == 12)
        #expect(chapter.settings.figureTolerance == 1e-4)
    }

    /// Each mistake names the file and the line it is on.
    @Test(arguments: [
        ("```swift\nprint(1)\n", 1, "never closed"),
        ("Prose only.\n", nil, "no `swift` blocks"),
        ("", nil, "no `swift` blocks"),
        ("text\n\n```output\n1\n```\n\n```swift\nprint(1)\n```\n", 3, "no `swift` block before it"),
        ("```swift loud\nprint(1)\n```\n", 1, "unknown attribute `loud`"),
        ("```swift tolerance=abc\nprint(1)\n```\n", 1, "non-negative number"),
        ("```swift\nprint(1)\n```\n\n```output\n1\n```\n\n```output\n1\n```\n", 9, "a second `output` block"),
        ("```swift\nprint(1)\n```\n\n```text\nx\n```\n\n```output\n1\n```\n", 9, "does not follow its swift block"),
        ("```output medium\n1\n```\n", 1, "`output` or `output full`"),
        ("<!-- book: speed=3 -->\n```swift\nprint(1)\n```\n", 1, "unknown book setting"),
    ] as [(String, Int?, String)])
    func reportsMistakesWithFileAndLine(text: String, line: Int?, message: String) {
        do {
            _ = try ChapterParser.parse(text, path: "chapters/bad.md")
            Issue.record("expected an error containing '\(message)'")
        } catch let error as ChapterError {
            #expect(error.path == "chapters/bad.md")
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix(line.map { "chapters/bad.md:\($0): error:" } ?? "chapters/bad.md: error:"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func blocksInsideListsKeepTheirPrefix() throws {
        let chapter = try ChapterParser.parse("- item\n\n  ```swift\n  print(1)\n  ```\n", path: "c.md")
        #expect(chapter.blocks[0].fence.prefix == "  ")
        #expect(chapter.blocks[0].fence.content == "print(1)\n")
    }
}
