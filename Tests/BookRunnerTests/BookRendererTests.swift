import Foundation
import Testing
@testable import BookRunner

@Suite struct BookRendererTests {
    let chapterText = """
        # 5. A chapter

        *An epigraph, not a summary.*

        The first paragraph of prose, which the index shows.

        ```swift hide
        import Secret
        ```

        ```output
        hidden output
        ```

        ## Results

        ```swift
        print("a < b")
        ```

        ```output
        a < b
        ```

        ```output full
        a < b at full scale
        ```

        ```swift should-fail
        fatalError("no")
        ```

        ```output

        Fatal error: no
        ```

        | method | value |
        |---|--:|
        | `x\\|y` | 1.5 |

        ![First figure](../figures/05-a.svg)
        ![Second figure](../figures/05-b.svg)

        See [chapter 3](03-other.md#the-decoder) and [the README](../README.md) and [here](#results).

        ## Results

        ## Scorecard of the book

        | paper | book |
        |---|---|
        | 1 | 2 |

        ### A detail of the scorecard

        ## After

        The end.

        """

    func render(profile: String = "quick", folder: String = "chapters") throws -> ChapterHTML {
        let chapter = try ChapterParser.parse(chapterText, path: "chapters/05-a-chapter.md")
        let links = LinkTargets(chapterNames: ["03-other", "05-a-chapter"], pageFolder: folder, sourceChapter: "05-a-chapter")
        return try ChapterHTML.render(chapter, profile: profile, links: links)
    }

    @Test func hiddenBlocksAndTheirOutputsAreLeftOut() throws {
        let html = try render().body
        #expect(!html.contains("import Secret"))
        #expect(!html.contains("hidden output"))
    }

    @Test func codeIsEscapedAndMarkedForTheHighlighter() throws {
        let html = try render().body
        #expect(html.contains("<pre><code class=\"language-swift\">print(&quot;a &lt; b&quot;)</code></pre>"))
        #expect(html.contains("<span class=\"tag\">stops with an error, on purpose</span>"))
    }

    @Test func theOtherProfilesOutputIsShownUnderItsOwnLabelWithItsCommand() throws {
        let quick = try render().body
        #expect(quick.contains("<div class=\"output-label\">output · quick profile</div><pre>a &lt; b</pre>"))
        #expect(quick.contains("<div class=\"output other-profile\" data-source=\"chapters/05-a-chapter.md:25\">"
            + "<div class=\"output-label\">output · full profile · <code>book run --profile full 05-a-chapter</code></div>"
            + "<pre>a &lt; b at full scale</pre>"))
        let full = try render(profile: "full").body
        #expect(full.contains("output · quick profile · <code>book run 05-a-chapter</code>"))
        #expect(full.contains("<div class=\"output-label\">output · full profile</div><pre>a &lt; b at full scale</pre>"))
        // A block with one output is simply "output".
        #expect(quick.contains("<div class=\"output-label\">output</div><pre>\n\nFatal error: no</pre>"))
    }

    @Test func anOutputThatStartsWithAnEmptyLineKeepsIt() {
        // The parser drops one newline right after <pre>.
        #expect(BlockHTML.preText("\nx\n") == "\n\nx")
        #expect(BlockHTML.preText("x\n") == "x")
    }

    @Test func headingsGetGitHubAnchorsAndTheTableOfContents() throws {
        let page = try render()
        #expect(page.title == "5. A chapter")
        #expect(page.headings.map(\.id) == ["results", "results-1", "scorecard-of-the-book", "a-detail-of-the-scorecard", "after"])
        #expect(page.body.contains("<h2 id=\"results\">Results <a class=\"anchor\" href=\"#results\""))
        #expect(page.summary == "The first paragraph of prose, which the index shows.")
    }

    @Test func aSummaryThatRunsOnSaysSo() {
        #expect(ChapterHTML.shortened("It uses Bayes' rule (Eq. 2),", to: 320) == "It uses Bayes' rule (Eq. 2) …")
        #expect(ChapterHTML.shortened("A whole sentence.", to: 320) == "A whole sentence.")
        #expect(ChapterHTML.shortened("one two three four", to: 10) == "one two …")
    }

    @Test func pipeTablesBecomeTables() throws {
        let html = try render().body
        #expect(html.contains("<th>method</th><th style=\"text-align:right\">value</th>"))
        #expect(html.contains("<td><code>x|y</code></td><td style=\"text-align:right\">1.5</td>"))
    }

    /// A table cell's link is rewritten like any other (the scorecard's rows link chapters).
    @Test func linksInTableCellsLeadToPages() {
        let table = PipeTable.parse(["| row | chapter |", "|---|---|", "| Table 5 | [05](05-toy.md#summary) |"])!
        let links = LinkTargets(chapterNames: ["05-toy"], pageFolder: "", sourceChapter: "00-x")
        #expect(PipeTable.html(table, rewritingLinks: links.rewrite).contains("<a href=\"chapters/05-toy.html#summary\">05</a>"))
    }

    @Test func aParagraphOfImagesBecomesFigures() throws {
        let html = try render().body
        #expect(html.contains("<div class=\"figures\">\n<figure><a href=\"../figures/05-a.svg\"><img src=\"../figures/05-a.svg\" "
            + "alt=\"First figure\"></a><figcaption>First figure</figcaption></figure>\n<figure>"))
    }

    @Test func linksLeadToPagesFromWhereverTheyAreShown() throws {
        let chapterPage = try render().body
        #expect(chapterPage.contains("href=\"03-other.html#the-decoder\""))
        #expect(chapterPage.contains("href=\"../README.md\""))
        #expect(chapterPage.contains("href=\"#results\""))
        let index = LinkTargets(chapterNames: ["03-other"], pageFolder: "", sourceChapter: "00-x")
        #expect(index.rewrite("03-other.md") == "chapters/03-other.html")
        #expect(index.rewrite("../figures/a.svg#x") == "figures/a.svg#x")
        #expect(index.rewrite("#notation") == "chapters/00-x.html#notation")
        #expect(index.rewrite("https://example.org/a.md") == "https://example.org/a.md")
        #expect(index.rewrite("04-unknown.md") == "chapters/04-unknown.md")
    }

    @Test func theScorecardSectionIsLiftedOutWhole() throws {
        let section = try #require(try render(folder: "").section(containing: "SCORECARD"))
        #expect(section.hasPrefix("<h2 id=\"scorecard-of-the-book\">"))
        #expect(section.contains("<td>2</td>"))
        #expect(section.contains("A detail of the scorecard"))
        #expect(!section.contains("After"))
        #expect(try render().section(containing: "no such heading") == nil)
    }

    @Test func pipeTableCells() {
        #expect(PipeTable.cells("| a | b\\|c | `d` |") == ["a", "b|c", "`d`"])
        #expect(PipeTable.cells("a | b") == ["a", "b"])
        #expect(PipeTable.parse(["| a | b |", "|---|---|", "| 1 |"])?.rows == [["1", ""]])
        #expect(PipeTable.parse(["| a | b |", "| not | a delimiter |"]) == nil)
        #expect(PipeTable.parse(["plain text"]) == nil)
        #expect(PipeTable.parse(["| a |", "|:-:|"])?.alignments == [.center])
    }

    @Test func slugsAreGitHubs() {
        #expect(HTMLText.slug("The truncated logistic (Eq. 4–7)") == "the-truncated-logistic-eq-47")
        #expect(HTMLText.slug("Figure 5: q(z|x = k)") == "figure-5-qzx--k")
        #expect(HTMLText.slug("?!") == "section")
        #expect(HTMLText.escape("<a href=\"x\">&</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;")
    }

    @Test func aFailedTestIsRecordedAndAPassClearsIt() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("render-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Sources"), withIntermediateDirectories: true)
        let chapter = try ChapterParser.parse(chapterText, path: "chapters/05-a-chapter.md")
        let cache = RunCache(root: root, profile: "quick", arithmetic: "book")
        let figures = root.appendingPathComponent("figures")
        #expect(cache.lastTest(chapter, figuresDirectory: figures) == .untested)
        cache.recordFailure(chapter, summary: "failed  chapters/05-a-chapter.md", details: "a diff\n")
        #expect(cache.lastTest(chapter, figuresDirectory: figures)
            == .failed(summary: "failed  chapters/05-a-chapter.md", details: "a diff\n", current: true))
        // Another text: the failure was of an earlier version.
        var edited = chapter
        edited.lines.append("More.")
        guard case .failed(_, _, let current) = cache.lastTest(edited, figuresDirectory: figures) else {
            Issue.record("the failure record was lost")
            return
        }
        #expect(!current)
        cache.store(ChapterRun(chapter: chapter, outputs: [:], figures: [:]))
        cache.forgetFailure(chapter)
        #expect(cache.lastTest(chapter, figuresDirectory: figures) == .passed)
    }

    @Test func aLongFailureIsKeptShort() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("render-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let chapter = try ChapterParser.parse(chapterText, path: "chapters/05-a-chapter.md")
        let cache = RunCache(root: root, profile: "quick", arithmetic: "book")
        cache.recordFailure(chapter, summary: "failed", details: (1...500).map(String.init).joined(separator: "\n"))
        guard case .failed(_, let details, _) = cache.lastTest(chapter, figuresDirectory: root) else {
            Issue.record("no failure recorded")
            return
        }
        #expect(details.split(separator: "\n").count == RunCache.keptFailureLines + 1)
        #expect(details.hasSuffix("… (420 more lines)"))
    }
}
