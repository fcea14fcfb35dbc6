import Foundation

/// How a chapter's `swift` blocks and their `output` blocks look in the book: code in a light box for highlight.js
/// to colour, outputs in a dark terminal-like box under a label. Under a block with outputs at both profiles, the
/// one of the profile the book is rendered at comes first and the other says whose it is and which command prints it.
enum BlockHTML {
    static func code(_ block: SwiftBlock) -> String {
        var tags: [String] = []
        if block.attributes.noRun { tags.append("compiled, not run") }
        if block.attributes.shouldFail { tags.append("stops with an error, on purpose") }
        let tagHTML = tags.isEmpty ? "" : "<div class=\"tags\">"
            + tags.map { "<span class=\"tag\">\(HTMLText.escape($0))</span>" }.joined() + "</div>"
        return "<div class=\"code\">\(tagHTML)<pre><code class=\"language-swift\">\(text(block.fence.content))</code></pre></div>\n"
    }

    /// `fence` is `block`'s output at `fenceProfile`; the book shows `profile`'s outputs first.
    static func output(_ fence: Fence, at fenceProfile: String, of block: SwiftBlock, in chapter: Chapter,
                       rendering profile: String) -> String {
        let both = block.output != nil && block.fullOutput != nil
        var label = "output"
        var classes = "output"
        if both {
            label += " · \(fenceProfile) profile"
            if fenceProfile != profile {
                classes += " other-profile"
                label += " · <code>\(HTMLText.escape(command(chapter, profile: fenceProfile)))</code>"
            }
        }
        return "<div class=\"\(classes)\" data-source=\"\(HTMLText.escape(chapter.path)):\(fence.openingLine)\">"
            + "<div class=\"output-label\">\(label)</div><pre>\(preText(fence.content))</pre></div>\n"
    }

    /// The command that prints a chapter's outputs at `profile`.
    static func command(_ chapter: Chapter, profile: String) -> String {
        profile == "full" ? "book run --profile full \(chapter.name)" : "book run \(chapter.name)"
    }

    /// A block's content for a `<pre>`: escaped, without the newline that ends its last line.
    static func text(_ content: String) -> String {
        HTMLText.escape(content.hasSuffix("\n") ? String(content.dropLast()) : content)
    }

    /// HTML drops a newline right after `<pre>`: an output that starts with an empty line gets one more.
    static func preText(_ content: String) -> String {
        let body = text(content)
        return body.hasPrefix("\n") ? "\n" + body : body
    }
}
