import Foundation

/// GitHub's pipe tables, which the chapters use and Debian's cmark (CommonMark without extensions) reads as a
/// paragraph of `|` lines: the renderer turns such a paragraph back into a table. A table is a header row, a
/// delimiter row (`|---|:--:|`, colons giving the alignment) and body rows; `\|` is a pipe inside a cell.
enum PipeTable {
    enum Alignment: Equatable { case none, left, center, right }

    struct Table: Equatable {
        var header: [String]
        var alignments: [Alignment]
        var rows: [[String]]
    }

    /// The table written in `lines`, or nil when they are not one.
    static func parse(_ lines: [String]) -> Table? {
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        guard trimmed.count >= 2, trimmed.allSatisfy({ $0.hasPrefix("|") }) else { return nil }
        let header = cells(trimmed[0])
        let delimiter = cells(trimmed[1])
        guard delimiter.count == header.count, !header.isEmpty else { return nil }
        var alignments: [Alignment] = []
        for cell in delimiter {
            let core = cell.trimmingCharacters(in: CharacterSet(charactersIn: ":"))
            guard !core.isEmpty, core.allSatisfy({ $0 == "-" }) else { return nil }
            switch (cell.hasPrefix(":"), cell.hasSuffix(":")) {
            case (true, true): alignments.append(.center)
            case (true, false): alignments.append(.left)
            case (false, true): alignments.append(.right)
            case (false, false): alignments.append(.none)
            }
        }
        // Rows shorter than the header are padded, longer ones cut, as GitHub does.
        let rows = trimmed.dropFirst(2).map { line -> [String] in
            let row = cells(line)
            return Array((row + Array(repeating: "", count: max(0, header.count - row.count))).prefix(header.count))
        }
        return Table(header: header, alignments: alignments, rows: rows)
    }

    /// A row's cells: split at unescaped pipes, the outer pipes dropped, each cell trimmed.
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                // `\|` stands for a pipe; any other escape is left for cmark to read.
                if character != "|" { current.append("\\") }
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                cells.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        cells.append(current)
        // A leading pipe leaves an empty first piece, a trailing (unescaped) one an empty last piece.
        if line.hasPrefix("|"), !cells.isEmpty { cells.removeFirst() }
        if line.hasSuffix("|"), !line.hasSuffix("\\|"), !cells.isEmpty { cells.removeLast() }
        return cells.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The table as HTML, each cell's Markdown rendered inline (its links through `rewrite`, as the page's other
    /// links), in a wrapper that scrolls on a narrow screen.
    static func html(_ table: Table, rewritingLinks rewrite: (String) -> String = { $0 }) -> String {
        func attribute(_ alignment: Alignment) -> String {
            switch alignment {
            case .none: return ""
            case .left: return " style=\"text-align:left\""
            case .center: return " style=\"text-align:center\""
            case .right: return " style=\"text-align:right\""
            }
        }
        var html = "<div class=\"table-wrap\"><table>\n<thead><tr>"
        for (cell, alignment) in zip(table.header, table.alignments) {
            html += "<th\(attribute(alignment))>\(CmarkTree.inlineHTML(cell, rewritingLinks: rewrite))</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            html += "<tr>"
            for (cell, alignment) in zip(row, table.alignments) {
                html += "<td\(attribute(alignment))>\(CmarkTree.inlineHTML(cell, rewritingLinks: rewrite))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }
}
