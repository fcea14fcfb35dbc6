import Testing
@testable import BookRunner

@Suite struct ComparisonTests {
    @Test func exactByDefault() {
        #expect(OutputComparison.matches(expected: "x = 1.0\n", actual: "x = 1.0\n", tolerance: .exact))
        #expect(!OutputComparison.matches(expected: "x = 1.0\n", actual: "x = 1.00\n", tolerance: .exact))
    }

    @Test func relativeToleranceComparesNumbersOnly() {
        let tolerance = Tolerance(relative: 1e-3)
        #expect(OutputComparison.matches(expected: "loss 2.000 at step 10\n", actual: "loss 2.0015 at step 10\n", tolerance: tolerance))
        #expect(!OutputComparison.matches(expected: "loss 2.000\n", actual: "loss 2.01\n", tolerance: tolerance))
        #expect(!OutputComparison.matches(expected: "loss 2.000\n", actual: "LOSS 2.000\n", tolerance: tolerance),
                "text between numbers is compared exactly")
        #expect(!OutputComparison.matches(expected: "1 2\n", actual: "1 2 3\n", tolerance: tolerance))
    }

    @Test func absoluteToleranceNearZero() {
        let tolerance = Tolerance(absolute: 1e-6)
        #expect(OutputComparison.matches(expected: "-0.0000001\n", actual: "0.0000002\n", tolerance: tolerance))
        #expect(!OutputComparison.matches(expected: "0.0\n", actual: "0.00001\n", tolerance: tolerance))
    }

    @Test func numbersInsideWordsAreText() {
        let tokens = OutputComparison.tokens("x2 = -1.5e-3, log2(8) = 3")
        #expect(tokens == [.text("x2 = "), .number("-1.5e-3", -1.5e-3), .text(", log2("), .number("8", 8),
                           .text(") = "), .number("3", 3)])
    }

    @Test func svgCoordinatesCompareWithinTolerance() {
        let old = "<circle cx=\"10.00\" cy=\"20.50\" r=\"2\"/>\n"
        let new = "<circle cx=\"10.01\" cy=\"20.50\" r=\"2\"/>\n"
        #expect(OutputComparison.matches(expected: old, actual: new, tolerance: Tolerance(relative: 1e-2)))
        #expect(!OutputComparison.matches(expected: old, actual: new, tolerance: .exact))
    }

    @Test func diffNamesChapterLines() {
        let diff = UnifiedDiff.render(expected: "a\nb\nc\n", actual: "a\nB\nc\n", expectedLabel: "chapters/x.md:20 (expected)",
                                      actualLabel: "actual", expectedFirstLine: 20)
        #expect(diff == "--- chapters/x.md:20 (expected)\n+++ actual\n@@ -20,3 +1,3 @@\n a\n-b\n+B\n c\n")
    }

    @Test func diffOfDistantChangesHasTwoHunks() {
        let expected = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...20).map { "line \($0)" }
        lines[1] = "changed 2"
        lines[18] = "changed 19"
        let diff = UnifiedDiff.render(expected: expected, actual: lines.joined(separator: "\n") + "\n",
                                      expectedLabel: "e", actualLabel: "a")
        #expect(diff.components(separatedBy: "\n@@ ").count == 3)
        #expect(diff.contains("-line 2\n+changed 2\n"))
        #expect(diff.contains("-line 19\n+changed 19\n"))
    }
}
