// A figure: title, axis labels, ranges and series.

/// A figure drawn as SVG or as text: a title, axis labels, and series drawn over shared axes.
///
/// ```swift
/// var figure = Figure(title: "Truncated logistic", xLabel: "z", yLabel: "density")
/// figure.add(.histogram(edges: edges, heights: heights, label: "samples"))
/// figure.add(.line(xs: zs, ys: densities, label: "f(z)"))
/// let svg = figure.svg(width: 640, height: 400)
/// print(figure.ascii(columns: 72, rows: 20), terminator: "")
/// ```
///
/// Axis ranges not given are computed from the finite data (a histogram's range always includes zero),
/// then widened slightly to round numbers; ticks are placed at steps of 1, 2 or 5 × 10^k (see ``Ticks``).
/// A given range is used as it is, and data outside it is clipped. A legend appears when there is more than one entry (a line, a histogram, or a scatter
/// category each make one entry); a density series gets a colour scale instead.
///
/// Both outputs are pure functions of the figure: the same figure gives the same bytes.
public struct Figure: Equatable, Sendable {
    /// The title, drawn above the plot. Empty for none.
    public var title: String
    /// The label of the horizontal axis. Empty for none.
    public var xLabel: String
    /// The label of the vertical axis. Empty for none.
    public var yLabel: String
    /// The horizontal range; `nil` to fit the data. A range with a non-finite bound or zero width is ignored.
    public var xRange: ClosedRange<Double>?
    /// The vertical range; `nil` to fit the data. A range with a non-finite bound or zero width is ignored.
    public var yRange: ClosedRange<Double>?
    /// Whether to draw the legend: `nil` (the default) draws it when it has more than one entry.
    public var showsLegend: Bool?
    /// The series, in drawing order.
    public var series: [Series]

    /// Creates a figure with no series.
    public init(title: String = "", xLabel: String = "", yLabel: String = "",
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                showsLegend: Bool? = nil, series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.showsLegend = showsLegend
        self.series = series
    }

    /// Appends a series, drawn on top of those already added.
    public mutating func add(_ series: Series) {
        self.series.append(series)
    }
}
