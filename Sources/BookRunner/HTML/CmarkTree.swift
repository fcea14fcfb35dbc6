import CCmark
import Foundation

/// A parsed CommonMark document and the few edits the renderer makes to it: a node replaced by HTML of its own,
/// a node removed. cmark owns the nodes; the document frees them all.
final class CmarkTree {
    let root: OpaquePointer
    /// Raw HTML in a chapter (its `<!-- book: -->` settings) is kept; the chapters are the book's own text.
    static let options = CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE

    init(_ text: String, path: String) throws {
        guard let root = text.withCString({ cmark_parse_document($0, strlen($0), Self.options) }) else {
            throw ChapterError(path, "cmark could not parse the file")
        }
        self.root = root
    }

    deinit { cmark_node_free(root) }

    /// Every node, in document order. Collected before any edit: cmark's iterator must not see the tree change.
    func allNodes() -> [OpaquePointer] {
        guard let iterator = cmark_iter_new(root) else { return [] }
        defer { cmark_iter_free(iterator) }
        var nodes: [OpaquePointer] = []
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) { nodes.append(node) }
        }
        return nodes
    }

    var topLevelNodes: [OpaquePointer] { Self.children(root) }

    static func children(_ node: OpaquePointer) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            result.append(current)
            child = cmark_node_next(current)
        }
        return result
    }

    static func type(_ node: OpaquePointer) -> cmark_node_type { cmark_node_get_type(node) }

    static func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    static func url(_ node: OpaquePointer) -> String {
        cmark_node_get_url(node).map { String(cString: $0) } ?? ""
    }

    /// The text a reader sees in `node` (a heading, a paragraph, an image's description), without markup.
    static func plainText(_ node: OpaquePointer) -> String {
        var text = ""
        for child in children(node) {
            switch type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += literal(child)
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            default: text += plainText(child)
            }
        }
        return text
    }

    /// `node` and its descendants as HTML.
    static func html(_ node: OpaquePointer) -> String {
        guard let pointer = cmark_render_html(node, options) else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Markdown (one table cell, say) rendered as inline HTML, without the paragraph cmark wraps it in.
    static func inlineHTML(_ markdown: String, rewritingLinks rewrite: (String) -> String = { $0 }) -> String {
        guard let root = markdown.withCString({ cmark_parse_document($0, strlen($0), options) }) else { return "" }
        defer { cmark_node_free(root) }
        // Links and images point where the page's other links do (``LinkTargets``).
        if let iterator = cmark_iter_new(root) {
            defer { cmark_iter_free(iterator) }
            while true {
                let event = cmark_iter_next(iterator)
                if event == CMARK_EVENT_DONE { break }
                if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator),
                   [CMARK_NODE_LINK, CMARK_NODE_IMAGE].contains(type(node)) {
                    cmark_node_set_url(node, rewrite(url(node)))
                }
            }
        }
        var html = Self.html(root).trimmingCharacters(in: .whitespacesAndNewlines)
        if html.hasPrefix("<p>"), html.hasSuffix("</p>") { html = String(html.dropFirst(3).dropLast(4)) }
        return html
    }

    /// Puts a block of raw HTML where `node` was.
    static func replace(_ node: OpaquePointer, withHTML html: String) {
        guard let block = cmark_node_new(CMARK_NODE_HTML_BLOCK) else { return }
        cmark_node_set_literal(block, html)
        if cmark_node_replace(node, block) == 1 {
            cmark_node_free(node)
        } else {
            cmark_node_free(block)
        }
    }

    static func remove(_ node: OpaquePointer) {
        cmark_node_unlink(node)
        cmark_node_free(node)
    }
}
