import Foundation

/// Where a chapter's links and images point in the rendered book, whose folders mirror the repository's
/// (`chapters/NAME.html` beside `figures/`): a link to a chapter's Markdown becomes a link to its page, and every
/// relative link is made relative to the page it ends up on (a chapter's page, or the index for its scorecard).
struct LinkTargets {
    /// The chapters that have pages.
    var chapterNames: Set<String>
    /// The folder, inside the book, of the page being written: `chapters`, or "" for the index.
    var pageFolder: String
    /// The chapter whose text holds the links (a bare `#anchor` means one of its headings).
    var sourceChapter: String

    func rewrite(_ url: String) -> String {
        if url.isEmpty { return url }
        if url.hasPrefix("#") {
            return pageFolder == "chapters" ? url : relative("chapters/\(sourceChapter).html") + url
        }
        if url.hasPrefix("/") || Self.hasScheme(url) { return url }
        let parts = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let fragment = parts.count > 1 ? "#" + parts[1] : ""
        // Relative to the chapter's own folder, as the Markdown was written.
        var components = ["chapters"]
        for component in parts[0].split(separator: "/") {
            if component == ".." { if !components.isEmpty { components.removeLast() } } else if component != "." {
                components.append(String(component))
            }
        }
        var path = components.joined(separator: "/")
        if components.count == 2, components[0] == "chapters", path.hasSuffix(".md") {
            let name = String(components[1].dropLast(3))
            if chapterNames.contains(name) { path = "chapters/\(name).html" }
        }
        return relative(path) + fragment
    }

    /// A path from the book's root, made relative to the page's folder.
    func relative(_ path: String) -> String {
        if pageFolder.isEmpty { return path }
        if path.hasPrefix(pageFolder + "/") { return String(path.dropFirst(pageFolder.count + 1)) }
        return "../" + path
    }

    /// `https:`, `mailto:`: a URL that leaves the book.
    static func hasScheme(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":"), colon != url.startIndex else { return false }
        let scheme = url[..<colon]
        return scheme.first!.isLetter && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+.-".contains($0) }
    }
}
