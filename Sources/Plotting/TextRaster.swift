// Rasterising points and lines onto a grid of text cells, at one or 2 × 4 dots per cell.

/// A grid of dots over `columns × rows` text cells, `dotsAcross × dotsDown` dots per cell.
///
/// With 2 × 4 dots a cell prints as a braille character (U+2800 + dot bits); with 1 × 1 a cell is
/// simply on or off.
struct TextRaster {
    let columns: Int
    let rows: Int
    let dotsAcross: Int
    let dotsDown: Int
    /// Dot bits per cell, row-major.
    private(set) var bits: [UInt8]

    init(columns: Int, rows: Int, braille: Bool) {
        self.columns = columns
        self.rows = rows
        dotsAcross = braille ? 2 : 1
        dotsDown = braille ? 4 : 1
        bits = Array(repeating: 0, count: columns * rows)
    }

    var width: Int { columns * dotsAcross }
    var height: Int { rows * dotsDown }

    /// The bit of dot (`dx`, `dy`) within a braille cell, following the Unicode braille dot numbering.
    private static func brailleBit(_ dx: Int, _ dy: Int) -> UInt8 {
        switch (dx, dy) {
        case (0, 0): return 0x01
        case (0, 1): return 0x02
        case (0, 2): return 0x04
        case (1, 0): return 0x08
        case (1, 1): return 0x10
        case (1, 2): return 0x20
        case (0, 3): return 0x40
        default: return 0x80
        }
    }

    /// Sets the dot at continuous position (`x`, `y`), measured in dots from the top left; positions on
    /// the far edges land in the last dot, positions beyond them are ignored.
    mutating func set(x: Double, y: Double) {
        guard x >= 0, y >= 0, x <= Double(width), y <= Double(height) else { return }
        let dx = min(width - 1, Int(x)), dy = min(height - 1, Int(y))
        let cell = (dy / dotsDown) * columns + dx / dotsAcross
        bits[cell] |= dotsAcross == 1 ? 1 : Self.brailleBit(dx % 2, dy % 4)
    }

    /// Draws the polyline through `points` (in dots; `nil` breaks it), clipped to the grid.
    mutating func draw(polyline points: [Point?]) {
        let bounds = Rect(minX: 0, minY: 0, maxX: Double(width), maxY: Double(height))
        for piece in bounds.clipPolyline(points) {
            for (a, b) in zip(piece, piece.dropFirst()) {
                let steps = Int(max(abs(b.x - a.x), abs(b.y - a.y)).rounded(.up))
                for i in 0...max(steps, 0) {
                    let t = steps == 0 ? 0 : Double(i) / Double(steps)
                    set(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t)
                }
            }
        }
    }

    /// Whether any dot of cell (`column`, `row`) is set.
    func isSet(column: Int, row: Int) -> Bool { bits[row * columns + column] != 0 }

    /// The braille character of cell (`column`, `row`).
    func braille(column: Int, row: Int) -> Character {
        Character(Unicode.Scalar(0x2800 + UInt32(bits[row * columns + column]))!)
    }
}
