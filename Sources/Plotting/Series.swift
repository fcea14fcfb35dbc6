// The kinds of data a figure draws.

/// One layer of a figure: a histogram, a line, a scatter of points, or a density grid.
///
/// Make series with the static functions and add them to a ``Figure``; they are drawn in the order
/// they were added, later ones on top. Non-finite numbers (NaN, ±infinity) in the data are skipped:
/// a histogram bin with a non-finite edge or height is left out, a line is broken at a non-finite
/// point, a point with a non-finite coordinate is not drawn, and a non-finite density cell is left blank.
public struct Series: Equatable, Sendable {
    /// The data of a series.
    public enum Kind: Equatable, Sendable {
        /// Bars over `[edges[i], edges[i + 1]]` of height `heights[i]`.
        case histogram(edges: [Double], heights: [Double])
        /// A polyline through `(xs[i], ys[i])` in order.
        case line(xs: [Double], ys: [Double])
        /// Points `(xs[i], ys[i])` in category `categories[i]`, labelled `labels[categories[i]]`.
        case scatter(xs: [Double], ys: [Double], categories: [Int], labels: [String])
        /// A grid of values: `values[row][column]`, rows spanning `yRange` upwards from its lower bound,
        /// columns spanning `xRange` from its lower bound.
        case density(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, values: [[Double]])
    }

    /// The data.
    public var kind: Kind
    /// The name shown in the legend (for a density, the title of its colour scale).
    /// Unused by a categorised scatter, whose categories carry the labels.
    public var label: String

    /// Creates a series from its data and label.
    public init(kind: Kind, label: String) {
        self.kind = kind
        self.label = label
    }

    /// A histogram: bar `i` spans `edges[i]...edges[i + 1]` with height `heights[i]`, drawn from zero.
    ///
    /// `edges` should have one more element than `heights`; extra elements of either are ignored.
    public static func histogram(edges: [Double], heights: [Double], label: String) -> Series {
        Series(kind: .histogram(edges: edges, heights: heights), label: label)
    }

    /// A line through the points `(xs[i], ys[i])`, in the given order.
    ///
    /// Extra elements of the longer array are ignored.
    public static func line(xs: [Double], ys: [Double], label: String) -> Series {
        Series(kind: .line(xs: xs, ys: ys), label: label)
    }

    /// Points of a single category.
    public static func scatter(xs: [Double], ys: [Double], label: String) -> Series {
        Series(kind: .scatter(xs: xs, ys: ys, categories: Array(repeating: 0, count: min(xs.count, ys.count)),
                              labels: [label]),
               label: label)
    }

    /// Points coloured by category: point `i` belongs to category `categories[i]`, whose legend label is
    /// `labels[categories[i]]`.
    ///
    /// Each category gets its own colour and legend entry, in ascending order of category. Categories
    /// outside `labels.indices` are still drawn, labelled by their number.
    public static func scatter(xs: [Double], ys: [Double], categories: [Int], labels: [String]) -> Series {
        Series(kind: .scatter(xs: xs, ys: ys, categories: categories, labels: labels), label: "")
    }

    /// A heat map of `values` over a grid: `values[row][column]`, with rows evenly spanning `yRange`
    /// (row 0 at the bottom) and columns evenly spanning `xRange` (column 0 at the left).
    ///
    /// Values are coloured on a scale from their minimum to their maximum; `label` titles that scale.
    public static func density(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, values: [[Double]],
                               label: String) -> Series {
        Series(kind: .density(xRange: xRange, yRange: yRange, values: values), label: label)
    }
}

extension Series {
    /// The categories of a scatter, ascending: every index of `labels`, and any other category present.
    static func scatterCategories(_ categories: [Int], labels: [String]) -> [Int] {
        Set(categories).union(labels.indices).sorted()
    }

    /// The label of a scatter category.
    static func categoryLabel(_ category: Int, labels: [String]) -> String {
        labels.indices.contains(category) ? labels[category] : String(category)
    }
}
