import Foundation

/// Text made safe for HTML, and the anchors headings get.
enum HTMLText {
    /// Escapes text for an element's content or a double-quoted attribute.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A heading's anchor as GitHub spells it (lower case; letters, digits, `-` and `_` kept; spaces become `-`), so
    /// that a link written for the repository's Markdown view (`00-the-paper.md#the-truncated-logistic-eq-47`)
    /// reaches the same heading in the rendered book.
    static func slug(_ text: String) -> String {
        var result = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" || character == "_" {
                result.append(character)
            } else if character == " " {
                result.append("-")
            }
        }
        return result.isEmpty ? "section" : result
    }
}

/// Unique anchors within a page: the second "Results" is `results-1`, as on GitHub.
struct Slugger {
    private var seen: [String: Int] = [:]

    mutating func unique(_ text: String) -> String {
        let base = HTMLText.slug(text)
        guard let count = seen[base] else {
            seen[base] = 1
            return base
        }
        seen[base] = count + 1
        return "\(base)-\(count)"
    }
}
