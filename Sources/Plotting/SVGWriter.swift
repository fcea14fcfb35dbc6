// A minimal SVG document builder with deterministic output.

/// Accumulates SVG elements, one per line, with escaped text and attribute values.
struct SVGWriter {
    private(set) var lines: [String] = []
    private var depth = 0

    /// An SVG number: rounded to 2 decimals, trailing zeros removed, never "-0".
    static func number(_ value: Double) -> String {
        // Coordinates far outside any drawing are clamped, so that they still print as plain decimals.
        NumberFormat.compact(min(1e9, max(-1e9, value)), decimals: 2)
    }

    private static func attributeList(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(XMLText.escape($0.1))\"" }.joined()
    }

    /// An empty element: `<name a="v"/>`.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        append("<\(name)\(Self.attributeList(attributes))/>")
    }

    /// An element holding text: `<name a="v">text</name>`.
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String) {
        append("<\(name)\(Self.attributeList(attributes))>\(XMLText.escape(text))</\(name)>")
    }

    /// Opens an element whose children follow; close it with ``close(_:)``.
    mutating func open(_ name: String, _ attributes: [(String, String)]) {
        append("<\(name)\(Self.attributeList(attributes))>")
        depth += 1
    }

    /// Closes the element opened last.
    mutating func close(_ name: String) {
        depth -= 1
        append("</\(name)>")
    }

    private mutating func append(_ line: String) {
        lines.append(String(repeating: " ", count: max(0, depth)) + line)
    }

    /// The document: the lines joined by newlines, ending with a newline.
    var document: String { lines.joined(separator: "\n") + "\n" }
}

/// Text helpers shared by the renderers.
enum TextFit {
    /// `text` cut to at most `count` characters, ending in "…" when cut.
    static func truncated(_ text: String, to count: Int) -> String {
        guard text.count > count else { return text }
        guard count > 1 else { return String(text.prefix(max(0, count))) }
        return String(text.prefix(count - 1)) + "…"
    }

    /// `text` with line breaks and other control characters replaced by spaces.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
    }
}
