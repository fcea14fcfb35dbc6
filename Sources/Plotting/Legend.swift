// Legend entries, shared by the SVG and text renderers.

/// One entry of a figure's legend.
struct LegendEntry: Equatable {
    enum Mark: Equatable {
        case bar
        case line
        case point
    }

    var mark: Mark
    var label: String
    /// The index into ``Palette/colors`` (modulo its count).
    var colorIndex: Int
    /// The series the entry belongs to.
    var seriesIndex: Int
    /// For a scatter, the category; otherwise `nil`.
    var category: Int?
}

extension Figure {
    /// The legend entries, in drawing order: one per histogram, per line, and per scatter category.
    /// Colours are handed out in the same order, so entry `i` has palette colour `i`.
    var legendEntries: [LegendEntry] {
        var entries: [LegendEntry] = []
        for (index, series) in series.enumerated() {
            switch series.kind {
            case .histogram:
                entries.append(LegendEntry(mark: .bar, label: series.label, colorIndex: entries.count,
                                           seriesIndex: index, category: nil))
            case .line:
                entries.append(LegendEntry(mark: .line, label: series.label, colorIndex: entries.count,
                                           seriesIndex: index, category: nil))
            case let .scatter(_, _, categories, labels):
                for category in Series.scatterCategories(categories, labels: labels) {
                    entries.append(LegendEntry(mark: .point, label: Series.categoryLabel(category, labels: labels),
                                               colorIndex: entries.count, seriesIndex: index, category: category))
                }
            case .density:
                break
            }
        }
        return entries
    }

    /// Whether the legend is drawn.
    var drawsLegend: Bool {
        let count = legendEntries.count
        return count > 0 && (showsLegend ?? (count > 1))
    }
}
