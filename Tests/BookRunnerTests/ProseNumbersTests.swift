import Testing
@testable import BookRunner

@Suite struct ProseNumbersTests {
    /// A block that prints −1.93274, and the output it printed.
    static let printsOneValue = """
        ```swift
        print(-1.93274)
        ```

        ```output
        -1.93274
        ```
        """

    func findings(_ text: String) throws -> [String] {
        try ProseNumbers.unprinted(in: text, path: "chapters/99-test.md").map { "\($0.line):\($0.number)" }
    }

    @Test func aNumberNoOutputPrintedIsFlaggedWithItsLine() throws {
        let text = """
            # A chapter

            The loss is −1.933 and the rate 0.9783.

            \(Self.printsOneValue)

            An earlier run gave 2.17 % and −2.000.
            """
        #expect(try findings(text) == ["3:0.9783", "13:2.17", "13:−2.000"])
    }

    @Test func roundingSignAndBothProfilesCount() throws {
        let text = """
            ```swift
            print(1)
            ```

            ```output
            log Z = -0.0818, Z 0.9215
            ```

            ```output full
            1.2e-04 and 60000.26
            ```

            A leak of 0.082 (log Z −0.08), Z = 0.92, a KL of about 10⁻⁴ and 60,000.3; but not 0.0819 or 0.93 or 10⁻³.
            """
        #expect(try findings(text) == ["13:0.0819", "13:0.93", "13:10⁻³"])
    }

    @Test func codeLiteralsAreSettingsNotResults() throws {
        let text = """
            At `τ = 0.005`, with a rate of `3·10⁻³`, and 0.25 nowhere.

            ```swift
            let tau: Float = 0.005
            let rate = 3e-3
            print(tau)
            ```
            """
        #expect(try findings(text) == ["1:0.25"])
    }

    @Test func numbersMarkedAsThePapersAreNotFlagged() throws {
        let text = """
            The paper's −1.983 and its third column (paper: 2.098, Table 5) against ours, 1.5.
            Its lowest (paper, Table 1: 0.65 (small graphs)) is not 0.66.
            <!-- paper -->
            | CatNF | −2.000 | −1.064 |
            <!-- /paper -->
            After the quoted table, 0.967 counts again.
            <!-- quoted: CatNF's code -->A scale of 1/1.81 and clipping at 0.25.<!-- /quoted --> But 0.37 is ours.
            """
        #expect(try findings(text) == ["1:1.5", "2:0.66", "6:0.967", "7:0.37"])
    }

    @Test func referencesCommentsAndIntegersAreNotNumbers() throws {
        let text = """
            <!-- book: timeout=5400 figure-tolerance=1e-6 -->
            Section 3.1, Appendix C.1, Eq. 4, §5.1, version 1.2.3, 4,000 steps of 128, x86-64 and seeds 1, 2, 3.
            <!-- a note
            with 0.5 inside -->
            ```text
            0.123 in a code block that is not output
            ```
            """
        #expect(try findings(text) == [])
    }

    @Test func numberForms() {
        let read = ProseNumbers.numbers(in: "−1.5 and 2.50, 3·10⁻³, 10⁻⁴, 1e-4, 1,234.5, 7, v1.2").map { "\($0.value)" }
        #expect(read == ["-1.5", "2.5", "0.003", "0.0001", "0.0001", "1234.5"])
        let units = ProseNumbers.numbers(in: "2.50 3·10⁻³ 1.5e2").map(\.halfUnit)
        #expect(units.count == 3)
        #expect(abs(units[0] - 0.005) < 1e-15)
        #expect(abs(units[1] - 0.0005) < 1e-15)
        #expect(abs(units[2] - 5) < 1e-12)
    }

    /// A line that links to another chapter may quote what that chapter printed (the scorecard), and only that.
    @Test func aLineLinkingAnotherChapterIsHeldToItsOutputs() throws {
        let other = Self.printsOneValue
        let text = """
            | Table 5 | −1.933 | [05](05-toy-experiment.md#summary) |
            | Table 5 | −1.934 | [05](05-toy-experiment.md) |
            | Table 1 | −1.933 | [06](06-graph-colouring.md) |
            The toy gave −1.933.
            """
        let printed = try ProseNumbers.printed(in: other, path: "chapters/05-toy-experiment.md")
        #expect(printed == [-1.93274])
        let found = try ProseNumbers.unprinted(in: text, path: "chapters/00-x.md") { name in
            name == "05-toy-experiment.md" ? printed : nil
        }.map { "\($0.line):\($0.number)" }
        #expect(found == ["2:−1.934", "3:−1.933", "4:−1.933"])
    }
}
