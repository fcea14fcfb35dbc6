// Clipping line segments to a rectangle (Liang–Barsky).

struct Point: Equatable {
    var x: Double
    var y: Double
}

/// An axis-aligned rectangle, `minX <= maxX`, `minY <= maxY`.
struct Rect: Equatable {
    var minX: Double
    var minY: Double
    var maxX: Double
    var maxY: Double

    func contains(_ p: Point) -> Bool {
        p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY
    }

    /// The part of the segment `a`–`b` inside the rectangle, or `nil` if none of it is.
    func clip(_ a: Point, _ b: Point) -> (Point, Point)? {
        let dx = b.x - a.x, dy = b.y - a.y
        var t0 = 0.0, t1 = 1.0
        // Each edge: p * t <= q keeps the point inside.
        for (p, q) in [(-dx, a.x - minX), (dx, maxX - a.x), (-dy, a.y - minY), (dy, maxY - a.y)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 {
                    if t > t1 { return nil }
                    t0 = max(t0, t)
                } else {
                    if t < t0 { return nil }
                    t1 = min(t1, t)
                }
            }
        }
        let start = t0 == 0 ? a : Point(x: a.x + t0 * dx, y: a.y + t0 * dy)
        let end = t1 == 1 ? b : Point(x: a.x + t1 * dx, y: a.y + t1 * dy)
        return (start, end)
    }

    /// The pieces of the polyline through `points` inside the rectangle. A `nil` point breaks the line.
    func clipPolyline(_ points: [Point?]) -> [[Point]] {
        var pieces: [[Point]] = []
        var current: [Point] = []
        var previous: Point?
        for point in points {
            guard let point else {
                if current.count > 1 { pieces.append(current) }
                current = []
                previous = nil
                continue
            }
            defer { previous = point }
            guard let last = previous, let (start, end) = clip(last, point) else { continue }
            if current.last != start {
                if current.count > 1 { pieces.append(current) }
                current = [start]
            }
            current.append(end)
        }
        if current.count > 1 { pieces.append(current) }
        return pieces
    }
}
