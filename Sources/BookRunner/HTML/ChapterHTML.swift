import CCmark
import Foundation

/// A chapter's text as HTML for its page: hidden blocks left out, code and outputs styled (``BlockHTML``), headings
/// given anchors, pipe tables made tables (``PipeTable``), a paragraph of images made figures, links pointed at the
/// book's pages (``LinkTargets``). Works from the loaded ``Chapter``: its blocks say which code block is which.
struct ChapterHTML {
    struct Heading: Equatable {
        var level: Int
        var id: String
        /// The heading's content as HTML (it may hold inline code).
        var html: String
        var text: String

        var openingTag: String { "<h\(level) id=\"\(id)\">" }
    }

    /// One top-level piece of the body, with the heading it falls under.
    struct Piece {
        var heading: Heading?
        var html: String
    }

    var title: String
    var titleHTML: String
    var headings: [Heading]
    var pieces: [Piece]
    /// The chapter's first paragraph of prose, as plain text, for the index.
    var summary: String

    var body: String { pieces.map(\.html).joined() }

    /// What a code block is to the book.
    enum Role {
        case code(SwiftBlock)
        case output(SwiftBlock, profile: String)
        case hidden
    }

    static func roles(_ chapter: Chapter) -> [Int: Role] {
        var roles: [Int: Role] = [:]
        for block in chapter.blocks {
            let hidden = block.attributes.hide
            roles[block.fence.openingLine] = hidden ? .hidden : .code(block)
            if let output = block.output { roles[output.openingLine] = hidden ? .hidden : .output(block, profile: "quick") }
            if let full = block.fullOutput { roles[full.openingLine] = hidden ? .hidden : .output(block, profile: "full") }
        }
        return roles
    }

    static func render(_ chapter: Chapter, profile: String, links: LinkTargets) throws -> ChapterHTML {
        let tree = try CmarkTree(chapter.lines.joined(separator: "\n") + "\n", path: chapter.path)
        let roles = roles(chapter)
        let nodes = tree.allNodes()
        var headingNodes: [OpaquePointer] = []
        var paragraphs: [OpaquePointer] = []
        var codeBlocks: [OpaquePointer] = []
        for node in nodes {
            switch CmarkTree.type(node) {
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                cmark_node_set_url(node, links.rewrite(CmarkTree.url(node)))
            case CMARK_NODE_HEADING: headingNodes.append(node)
            case CMARK_NODE_PARAGRAPH: paragraphs.append(node)
            case CMARK_NODE_CODE_BLOCK: codeBlocks.append(node)
            default: break
            }
        }
        for node in codeBlocks {
            switch roles[Int(cmark_node_get_start_line(node))] {
            case .hidden: CmarkTree.remove(node)
            case .code(let block): CmarkTree.replace(node, withHTML: BlockHTML.code(block))
            case .output(let block, let fenceProfile):
                let fence = fenceProfile == "full" ? block.fullOutput! : block.output!
                CmarkTree.replace(node, withHTML: BlockHTML.output(fence, at: fenceProfile, of: block, in: chapter,
                                                                   rendering: profile))
            case nil: break  // a code block of the prose (an equation, a shell command), as cmark renders it
            }
        }
        let topLevel = Set(tree.topLevelNodes)
        var summary = ""
        for node in paragraphs {
            let first = Int(cmark_node_get_start_line(node)), last = Int(cmark_node_get_end_line(node))
            if first >= 1, last <= chapter.lines.count, let table = PipeTable.parse(Array(chapter.lines[(first - 1)..<last])) {
                CmarkTree.replace(node, withHTML: PipeTable.html(table, rewritingLinks: links.rewrite))
            } else if let images = imagesOnly(node) {
                CmarkTree.replace(node, withHTML: figures(images))
            } else if summary.isEmpty, topLevel.contains(node), !isEmphasisOnly(node) {
                summary = Self.shortened(CmarkTree.plainText(node), to: 320)
            }
        }
        var slugger = Slugger()
        var headings: [ChapterHTML.Heading] = []
        var allHeadings: [ChapterHTML.Heading] = []
        var title = chapter.name, titleHTML = HTMLText.escape(chapter.name), haveTitle = false
        for node in headingNodes {
            let level = Int(cmark_node_get_heading_level(node))
            let text = CmarkTree.plainText(node)
            let id = slugger.unique(text)
            let inner = innerHTML(CmarkTree.html(node), level: level)
            let heading = Heading(level: level, id: id, html: inner, text: text)
            if level == 1, !haveTitle {
                (title, titleHTML, haveTitle) = (text, inner, true)
            } else if level <= 3 {
                headings.append(heading)
            }
            allHeadings.append(heading)
            let anchor = level == 1 ? "" : " <a class=\"anchor\" href=\"#\(id)\" aria-label=\"link to this section\">#</a>"
            CmarkTree.replace(node, withHTML: "\(heading.openingTag)\(inner)\(anchor)</h\(level)>\n")
        }
        // The body piece by piece, so that a section (the scorecard) can be lifted out whole.
        var pieces: [Piece] = []
        var current: Heading?
        for node in tree.topLevelNodes {
            // A replaced heading is an HTML block now: find it by its id.
            let html = CmarkTree.html(node)
            if let heading = allHeadings.first(where: { html.hasPrefix($0.openingTag) }) {
                current = heading
            }
            pieces.append(Piece(heading: current, html: html))
        }
        return ChapterHTML(title: title, titleHTML: titleHTML, headings: headings, pieces: pieces, summary: summary)
    }

    /// The section whose heading's text contains `word` (any case), with everything up to the next heading of the
    /// same or a higher level; nil when the chapter has none.
    func section(containing word: String) -> String? {
        guard let start = pieces.firstIndex(where: {
            guard let heading = $0.heading else { return false }
            return heading.text.lowercased().contains(word.lowercased()) && $0.html.hasPrefix(heading.openingTag)
        }), let level = pieces[start].heading?.level else { return nil }
        var html = pieces[start].html
        for piece in pieces[(start + 1)...] {
            if let heading = piece.heading, heading.level <= level, piece.html.hasPrefix(heading.openingTag) { break }
            html += piece.html
        }
        return html
    }

    /// The images of a paragraph that holds nothing else (line breaks and spaces aside).
    static func imagesOnly(_ paragraph: OpaquePointer) -> [(url: String, alt: String)]? {
        var images: [(url: String, alt: String)] = []
        for child in CmarkTree.children(paragraph) {
            switch CmarkTree.type(child) {
            case CMARK_NODE_IMAGE: images.append((CmarkTree.url(child), CmarkTree.plainText(child)))
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: continue
            case CMARK_NODE_TEXT where CmarkTree.literal(child).allSatisfy(\.isWhitespace): continue
            default: return nil
            }
        }
        return images.isEmpty ? nil : images
    }

    /// Figures with their captions (the images' descriptions); each links to its SVG for a closer look.
    static func figures(_ images: [(url: String, alt: String)]) -> String {
        "<div class=\"figures\">\n" + images.map { image in
            let url = HTMLText.escape(image.url), alt = HTMLText.escape(image.alt)
            return "<figure><a href=\"\(url)\"><img src=\"\(url)\" alt=\"\(alt)\"></a><figcaption>\(alt)</figcaption></figure>\n"
        }.joined() + "</div>\n"
    }

    /// A paragraph that is one emphasis (a chapter's *Appendix C.1 of the paper* line) is not its summary.
    static func isEmphasisOnly(_ paragraph: OpaquePointer) -> Bool {
        let children = CmarkTree.children(paragraph)
        return children.count == 1 && [CMARK_NODE_EMPH, CMARK_NODE_STRONG].contains(CmarkTree.type(children[0]))
    }

    /// `<h2>inner</h2>\n` → `inner`.
    static func innerHTML(_ html: String, level: Int) -> String {
        var inner = html.trimmingCharacters(in: .whitespacesAndNewlines)
        let open = "<h\(level)>", close = "</h\(level)>"
        if inner.hasPrefix(open) { inner = String(inner.dropFirst(open.count)) }
        if inner.hasSuffix(close) { inner = String(inner.dropLast(close.count)) }
        return inner
    }

    /// At most `limit` characters, cut at a space; a paragraph that runs on (into an equation, a list) says so.
    static func shortened(_ text: String, to limit: Int) -> String {
        guard text.count > limit else {
            return text.last.map { ".!?)".contains($0) } == true ? text : text.trimmingCharacters(in: CharacterSet(charactersIn: ",:; ")) + " …"
        }
        let cut = text.prefix(limit)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + " …"
    }
}
