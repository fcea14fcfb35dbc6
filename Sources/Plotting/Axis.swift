// Axis ranges: from the data, or given; and ticks that fit the drawing.

/// A resolved axis: the range it shows and its ticks.
struct Axis: Equatable {
    var range: ClosedRange<Double>
    var ticks: Ticks

    /// Where `value` falls along the axis: 0 at the lower bound, 1 at the upper (outside for values outside).
    func fraction(_ value: Double) -> Double {
        // Halving is exact, and keeps the differences finite for ranges as wide as the doubles.
        (value * 0.5 - range.lowerBound * 0.5) / (range.upperBound * 0.5 - range.lowerBound * 0.5)
    }

    /// An axis whose tick labels fit along `length` (in the renderer's units).
    ///
    /// Tries `length / idealSpacing` intervals first, then fewer, then a few more, and takes the first
    /// that has at least two ticks and whose neighbouring labels, `labelSize` long each plus `gap`, do not
    /// overlap (failing that, the first whose labels fit). The range is `fixed` when given, otherwise
    /// `extent` (or 0...1 without data) widened to a nice step.
    static func fitting(fixed: ClosedRange<Double>?, extent: ClosedRange<Double>?, length: Double,
                        idealSpacing: Double, gap: Double, labelSize: (String) -> Double) -> Axis {
        let ideal = Int(flooring: length / idealSpacing, to: 1...1000)
        var fallback: Axis?
        for target in Array((1...ideal).reversed()) + Array((ideal + 1)...(ideal + 4)) {
            let axis = make(fixed: fixed, extent: extent, targetCount: target)
            let spacing = axis.ticks.step / (axis.range.upperBound - axis.range.lowerBound) * length
            let widest = axis.ticks.labels.map(labelSize).max() ?? 0
            guard widest + gap <= spacing || axis.ticks.values.count < 2 else { continue }
            if axis.ticks.values.count >= 2 { return axis }
            if fallback == nil { fallback = axis }
        }
        return fallback ?? make(fixed: fixed, extent: extent, targetCount: 1)
    }

    /// The axis for `targetCount` intervals.
    static func make(fixed: ClosedRange<Double>?, extent: ClosedRange<Double>?, targetCount: Int) -> Axis {
        if let fixed = validRange(fixed) {
            return Axis(range: fixed, ticks: Ticks(in: fixed, targetCount: targetCount))
        }
        // The data range is widened to a finer nice step than the ticks', so that little space is wasted
        // (data over -3...3 is shown over -3...3 even when the ticks are 5 apart).
        let data = Ticks.widened(extent ?? 0...1)
        let snap = NiceStep(covering: data, targetCount: max(10, 2 * targetCount))
        let range = snap.enclosing(data) ?? data
        return Axis(range: range, ticks: Ticks(in: range, targetCount: targetCount))
    }

    /// `range` if its bounds are finite and distinct.
    static func validRange(_ range: ClosedRange<Double>?) -> ClosedRange<Double>? {
        guard let range, range.lowerBound.isFinite, range.upperBound.isFinite,
              range.lowerBound < range.upperBound else { return nil }
        return range
    }
}

/// The smallest range holding every value it has been given.
struct Extent {
    private(set) var range: ClosedRange<Double>?

    /// Widens the extent to hold `value`, if it is finite.
    mutating func include(_ value: Double) {
        guard value.isFinite else { return }
        if let current = range {
            range = min(current.lowerBound, value)...max(current.upperBound, value)
        } else {
            range = value...value
        }
    }
}

extension Figure {
    /// The extents of the finite data along x and y. A histogram's y extent includes zero.
    var dataExtent: (x: ClosedRange<Double>?, y: ClosedRange<Double>?) {
        var x = Extent()
        var y = Extent()
        for series in series {
            switch series.kind {
            case let .histogram(edges, heights):
                for bin in Histogram.bins(edges: edges, heights: heights) {
                    x.include(bin.lower)
                    x.include(bin.upper)
                    y.include(0)
                    y.include(bin.height)
                }
            case let .line(xs, ys), let .scatter(xs, ys, _, _):
                for (px, py) in zip(xs, ys) where px.isFinite && py.isFinite {
                    x.include(px)
                    y.include(py)
                }
            case let .density(xRange, yRange, _):
                if Axis.validRange(xRange) != nil, Axis.validRange(yRange) != nil {
                    x.include(xRange.lowerBound)
                    x.include(xRange.upperBound)
                    y.include(yRange.lowerBound)
                    y.include(yRange.upperBound)
                }
            }
        }
        return (x.range, y.range)
    }
}

/// Helpers for histogram data.
enum Histogram {
    struct Bin: Equatable {
        var lower: Double
        var upper: Double
        var height: Double
    }

    /// The bins with finite edges and height, each with `lower <= upper`.
    static func bins(edges: [Double], heights: [Double]) -> [Bin] {
        var bins: [Bin] = []
        for index in heights.indices where index + 1 < edges.count {
            let a = edges[index], b = edges[index + 1], h = heights[index]
            guard a.isFinite, b.isFinite, h.isFinite else { continue }
            bins.append(Bin(lower: min(a, b), upper: max(a, b), height: h))
        }
        return bins
    }
}

/// Helpers for density data.
enum DensityGrid {
    /// The smallest and largest finite values, or `nil` if there are none.
    static func valueRange(_ values: [[Double]]) -> ClosedRange<Double>? {
        var extent = Extent()
        for row in values {
            for value in row { extent.include(value) }
        }
        return extent.range
    }

    /// Where `value` falls on the scale `range`, in 0...1 (0.5 when the range has zero width).
    static func level(_ value: Double, in range: ClosedRange<Double>) -> Double {
        let span = range.upperBound - range.lowerBound
        guard span > 0 else { return 0.5 }
        return min(1, max(0, (value - range.lowerBound) / span))
    }
}

extension Int {
    /// `value` rounded down and clamped to `range`, safe for any double (NaN gives the lower bound).
    init(flooring value: Double, to range: ClosedRange<Int>) {
        if !(value >= Double(range.lowerBound)) {
            self = range.lowerBound
        } else if value >= Double(range.upperBound) {
            self = range.upperBound
        } else {
            self = Swift.min(range.upperBound, Swift.max(range.lowerBound, Int(value.rounded(.down))))
        }
    }
}
