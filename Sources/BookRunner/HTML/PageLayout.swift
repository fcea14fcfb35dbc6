import Foundation

/// The frame around every page: a sidebar with the chapters (the current one opened to its sections), which a
/// narrow screen folds behind a "Contents" button; the chapter's last test; previous and next links.
/// Pure CSS (book-assets/book.css), so the book reads with scripts off; the one script colours the code.
struct PageLayout {
    struct Entry {
        var name: String
        var html: ChapterHTML
        var lastTest: LastTest
    }

    static let bookTitle = "trufl-book"

    var entries: [Entry]
    var profile: String

    /// A chapter's page, `chapters/NAME.html`.
    func chapterPage(_ index: Int) -> String {
        let entry = entries[index]
        var main = Self.status(entry.lastTest, chapter: entry.name, profile: profile)
        main += "<article>\n\(entry.html.body)</article>\n"
        main += "<nav class=\"pager\" aria-label=\"Chapters\">"
        if index > 0 {
            let previous = entries[index - 1]
            main += "<a class=\"prev\" rel=\"prev\" href=\"\(previous.name).html\"><span>← Previous</span>\(previous.html.titleHTML)</a>"
        } else {
            main += "<a class=\"prev\" rel=\"prev\" href=\"../index.html\"><span>← Contents</span>\(Self.bookTitle)</a>"
        }
        if index + 1 < entries.count {
            let next = entries[index + 1]
            main += "<a class=\"next\" rel=\"next\" href=\"\(next.name).html\"><span>Next →</span>\(next.html.titleHTML)</a>"
        }
        main += "</nav>\n"
        main += "<footer class=\"page-footer\">Rendered from <code>chapters/\(entry.name).md</code> at the \(profile) profile "
            + "by <code>book render</code>. Every output is what the chapter's code printed when it was blessed; "
            + "<code>book test \(entry.name)</code> checks that it still is.</footer>\n"
        return page(title: "\(entry.html.title) · \(Self.bookTitle)", base: "../", current: index, main: main)
    }

    /// The index, `index.html`: the book's opening words, the scorecard when chapter 00 has one, the chapters.
    func indexPage(introduction: String, scorecard: String?) -> String {
        var main = "<header class=\"book-header\"><h1 id=\"top\">\(Self.bookTitle)</h1>\n\(introduction)</header>\n"
        if let scorecard { main += "<section class=\"scorecard\" aria-label=\"Scorecard\">\n\(scorecard)</section>\n" }
        main += "<h2 id=\"chapters\">Chapters</h2>\n<ol class=\"chapter-list\">\n"
        for entry in entries {
            main += "<li><a class=\"chapter-link\" href=\"chapters/\(entry.name).html\">\(entry.html.titleHTML)</a> "
                + Self.badge(entry.lastTest) + "<p>\(HTMLText.escape(entry.html.summary))</p></li>\n"
        }
        main += "</ol>\n"
        main += "<footer class=\"page-footer\">Outputs of the \(profile) profile. Each chapter is marked with its last "
            + "<code>book test</code> at this profile in the book's arithmetic (the run cache under <code>.build/book-cache</code>). "
            + "Rebuild with <code>make render</code>.</footer>\n"
        return page(title: Self.bookTitle, base: "", current: nil, main: main)
    }

    /// `base` leads from the page to the book's root ("" or "../").
    func page(title: String, base: String, current: Int?, main: String) -> String {
        var html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="book-profile" content="\(profile)">
            <title>\(HTMLText.escape(title))</title>
            <link rel="stylesheet" href="\(base)assets/highlight/\(BookAssets.highlightStyle)">
            <link rel="stylesheet" href="\(base)assets/book.css">
            </head>
            <body>
            <input type="checkbox" id="nav-toggle" class="nav-toggle" aria-hidden="true">
            <header class="topbar"><a class="book-title" href="\(base)index.html">\(Self.bookTitle)</a>
            <label for="nav-toggle" class="nav-button">☰ Contents</label></header>

            """
        html += sidebar(base: base, current: current)
        html += "<main>\n\(main)</main>\n"
        html += "<script src=\"\(base)assets/highlight/highlight.min.js\"></script>\n"
        html += "<script src=\"\(base)assets/book.js\"></script>\n</body>\n</html>\n"
        return html
    }

    func sidebar(base: String, current: Int?) -> String {
        var html = "<nav class=\"sidebar\" aria-label=\"Book\">\n"
        html += "<a class=\"book-title\" href=\"\(base)index.html\">\(Self.bookTitle)</a>\n<ol class=\"chapters\">\n"
        for (index, entry) in entries.enumerated() {
            let link = base.isEmpty ? "chapters/\(entry.name).html" : "\(entry.name).html"
            let isCurrent = index == current
            html += "<li\(isCurrent ? " class=\"current\"" : "")><a href=\"\(link)\"\(isCurrent ? " aria-current=\"page\"" : "")>"
                + "\(entry.html.titleHTML)</a>\(Self.mark(entry.lastTest))"
            if isCurrent, !entry.html.headings.isEmpty {
                html += "\n<ol class=\"toc\">\n"
                for heading in entry.html.headings {
                    html += "<li class=\"level\(heading.level)\"><a href=\"#\(heading.id)\">\(Self.withoutLinks(heading.html))</a></li>\n"
                }
                html += "</ol>"
            }
            html += "</li>\n"
        }
        return html + "</ol>\n<p class=\"profile-note\">Outputs of the \(profile) profile.</p>\n</nav>\n"
    }

    /// The chapter's last test, at the top of its page.
    static func status(_ lastTest: LastTest, chapter: String, profile: String) -> String {
        let command = profile == "full" ? "book test --profile full \(chapter)" : "book test \(chapter)"
        switch lastTest {
        case .passed:
            return "<p class=\"status passed\">✓ Passed its last test (<code>\(command)</code>): its code printed "
                + "every output below.</p>\n"
        case .failed(let summary, let details, let current):
            let when = current ? "" : ", which ran on an earlier version of the chapter or the sources (not tested since)"
            return "<div class=\"status failed\" role=\"alert\"><p><strong>✗ This chapter failed its last test</strong>\(when). "
                + "The outputs below are the committed ones, not necessarily what its code prints now.</p>"
                + "<details><summary>\(HTMLText.escape(summary.trimmingCharacters(in: .whitespaces)))</summary>"
                + "<pre>\(HTMLText.escape(details))</pre></details></div>\n"
        case .untested:
            return "<p class=\"status untested\">○ Not tested since the chapter or the sources last changed "
                + "(<code>\(command)</code>).</p>\n"
        }
    }

    /// A short mark beside a chapter in the sidebar.
    static func mark(_ lastTest: LastTest) -> String {
        switch lastTest {
        case .passed: return " <span class=\"mark passed\" title=\"passed its last test\">✓</span>"
        case .failed: return " <span class=\"mark failed\" title=\"failed its last test\">✗ failed</span>"
        case .untested: return " <span class=\"mark untested\" title=\"not tested since it or the sources changed\">○</span>"
        }
    }

    /// A chapter's badge in the index.
    static func badge(_ lastTest: LastTest) -> String {
        switch lastTest {
        case .passed: return "<span class=\"badge passed\">✓ passed</span>"
        case .failed: return "<span class=\"badge failed\">✗ failed its last test</span>"
        case .untested: return "<span class=\"badge untested\">not tested since changed</span>"
        }
    }

    /// A heading's HTML inside the table of contents' own link: its links become plain text.
    static func withoutLinks(_ html: String) -> String {
        html.replacingOccurrences(of: "<a [^>]*>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "</a>", with: "")
    }
}
