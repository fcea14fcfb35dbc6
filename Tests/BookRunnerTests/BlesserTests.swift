import Testing
@testable import BookRunner

@Suite struct BlesserTests {
    func outputs(of chapter: Chapter) -> [Int: String] {
        var result: [Int: String] = [:]
        for block in chapter.blocks { result[block.index] = block.output?.content ?? "" }
        return result
    }

    @Test func blessingMatchingOutputsChangesNothing() throws {
        let text = "# T\n\n```swift\nprint(1)\n```\n\n```output\n1\n```\n\nEnd without newline"
        let chapter = try ChapterParser.parse(text, path: "c.md")
        #expect(Blesser.bless(chapter, outputs: outputs(of: chapter), profile: "quick") == text)
    }

    @Test func replacesAndInsertsOutputsOnly() throws {
        let text = "# T\n\n```swift\nprint(1)\n```\n\n```output\nold\n```\n\nMiddle.\n\n```swift\nprint(2)\n```\nTail.\n"
        let chapter = try ChapterParser.parse(text, path: "c.md")
        let blessed = Blesser.bless(chapter, outputs: [0: "1\n", 1: "2\n"], profile: "quick")
        #expect(blessed == "# T\n\n```swift\nprint(1)\n```\n\n```output\n1\n```\n\nMiddle.\n\n```swift\nprint(2)\n```\n\n```output\n2\n```\nTail.\n")
    }

    @Test func withinToleranceIsLeftAlone() throws {
        let text = "```swift tolerance=1e-3\nprint(1.0001)\n```\n\n```output\n1.0\n```\n"
        let chapter = try ChapterParser.parse(text, path: "c.md")
        #expect(Blesser.bless(chapter, outputs: [0: "1.0001\n"], profile: "quick") == text)
    }

    @Test func fullProfileAddsAnOutputFullBlockAfterTheQuickOne() throws {
        let text = "```swift\nprint(1)\n```\n\n```output\n1\n```\n"
        let chapter = try ChapterParser.parse(text, path: "c.md")
        #expect(Blesser.bless(chapter, outputs: [0: "1\n"], profile: "full") == text)
        let blessed = Blesser.bless(chapter, outputs: [0: "100\n"], profile: "full")
        #expect(blessed == "```swift\nprint(1)\n```\n\n```output\n1\n```\n\n```output full\n100\n```\n")
        let reparsed = try ChapterParser.parse(blessed, path: "c.md")
        #expect(reparsed.blocks[0].fullOutput?.content == "100\n")
    }

    @Test func outputContainingAFenceGetsALongerFence() throws {
        let text = "```swift\nprint(\"```\")\n```\n"
        let chapter = try ChapterParser.parse(text, path: "c.md")
        let blessed = Blesser.bless(chapter, outputs: [0: "```\n"], profile: "quick")
        let reparsed = try ChapterParser.parse(blessed, path: "c.md")
        #expect(reparsed.blocks[0].output?.content == "```\n")
        #expect(reparsed.blocks[0].output?.marker == "````")
    }

    /// Property: over generated chapters, blessing with the outputs a chapter already has leaves it byte
    /// for byte, and blessing with new outputs changes exactly the output blocks (read back equal) and
    /// keeps every other line.
    @Test func blessIsASpliceOverGeneratedMarkdown() throws {
        var random = LCG(seed: 7)
        for _ in 0..<300 {
            let text = random.chapter()
            let chapter = try ChapterParser.parse(text, path: "g.md")
            #expect(Blesser.bless(chapter, outputs: outputs(of: chapter), profile: "quick") == text)

            var fresh: [Int: String] = [:]
            for block in chapter.blocks { fresh[block.index] = random.output() }
            let blessed = Blesser.bless(chapter, outputs: fresh, profile: "quick")
            let reparsed = try ChapterParser.parse(blessed, path: "g.md")
            #expect(reparsed.blocks.count == chapter.blocks.count)
            for block in reparsed.blocks {
                #expect((block.output?.content ?? "") == fresh[block.index]!)
                #expect(block.fence.content == chapter.blocks[block.index].fence.content)
            }
            // Lines outside output blocks are the same, in the same order.
            func prose(_ c: Chapter) -> [String] {
                var hidden = Set<Int>()
                for block in c.blocks { if let o = block.output { hidden.formUnion(o.openingLine...o.closingLine) } }
                return c.lines.enumerated().filter { !hidden.contains($0.offset + 1) }.map(\.element).filter { !$0.isEmpty }
            }
            #expect(prose(reparsed) == prose(chapter))
        }
    }
}

/// A small deterministic generator of Markdown for the property test.
struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
    mutating func line() -> String {
        ["Some prose.", "* a list item", "> a quote", "| a | table |", "Numbers 1.5 and -2", "`inline` code", "# Heading",
         "    indented code", "<!-- comment -->", "Trailing spaces  "][next(10)]
    }
    mutating func output() -> String {
        let lines = next(4)
        if lines == 0 { return "" }
        return (0..<lines).map { _ in ["x = 1", "", "```", "~~~", "  spaced", "ünïcode ✓", "> not a quote"][next(7)] }
            .joined(separator: "\n") + "\n"
    }
    mutating func chapter() -> String {
        var parts: [String] = []
        for _ in 0..<(1 + next(4)) {
            for _ in 0..<next(3) { parts.append(line()); parts.append("") }
            let fence = ["```", "````", "~~~"][next(3)]
            parts.append(fence + "swift" + ["", " hide", " tolerance=1e-3"][next(3)])
            parts.append("print(\(next(100)))")
            parts.append(fence)
            if next(2) == 0 {
                let content = output()
                let outputFence = content.contains("```") || content.contains("~~~") ? "`````" : fence
                parts.append("")
                parts.append(outputFence + "output")
                parts.append(contentsOf: content.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
                parts.append(outputFence)
            }
            parts.append("")
        }
        return parts.joined(separator: "\n") + (next(2) == 0 ? "\n" : "")
    }
}

