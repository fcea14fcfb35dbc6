// Drawing a figure as text.

extension Figure {
    /// The figure as text for a terminal: at most `columns` characters per line (never more than 100),
    /// no trailing spaces, ending with a newline.
    ///
    /// Layout, top to bottom: the title (centred over the plot), the y label, `rows` lines of plot with
    /// y tick labels on the left, the x axis with tick marks (`┬`), the x tick labels, the x label, then
    /// the legend (when drawn, see ``showsLegend``) and one colour-scale line per density series.
    ///
    /// What the plot cells show, from bottom layer to top:
    /// - a density: shade characters `" .:-=+*#%@"` from the lowest value to the highest;
    /// - histograms: the first with eighth blocks `▁▂▃▄▅▆▇█` (a bar of the axis's full height fills every
    ///   row), later ones with `▒` and `░` in whole cells; each column shows the mean height of the bins
    ///   under it, weighted by overlap;
    /// - lines and scatter points: with a single line or scatter category, braille dots (2 × 4 per cell);
    ///   with several, one plain glyph per entry, `*`, `o`, `x`, `+`, `#`, `@`, `%`, `&`, later entries
    ///   drawn over earlier ones. The legend shows each entry's glyph.
    ///
    /// - Parameters:
    ///   - columns: The total width, including tick labels, clamped to 40...100.
    ///   - rows: The height of the plot area in lines, clamped to 4...60.
    /// - Returns: The text. The same figure and size give the same characters.
    public func ascii(columns: Int = 72, rows: Int = 20) -> String {
        ASCIIRenderer(figure: self, columns: columns, rows: rows).render()
    }
}

/// Lays out and draws one figure as text.
struct ASCIIRenderer {
    let figure: Figure
    let columns: Int
    let rows: Int

    static let shades: [Character] = Array(" .:-=+*#%@")
    static let eighths: [Character] = Array(" ▁▂▃▄▅▆▇█")
    static let barShades: [Character] = ["█", "▒", "░"]
    static let markers: [Character] = ["*", "o", "x", "+", "#", "@", "%", "&"]
    static let brailleLineGlyph = "⠒⠒"
    static let braillePointGlyph = "⠪"

    init(figure: Figure, columns: Int, rows: Int) {
        self.figure = figure
        self.columns = min(100, max(40, columns))
        self.rows = min(60, max(4, rows))
    }

    /// The axes and the plot's width, decided before anything is drawn: the y tick labels' width sets
    /// how many columns the plot gets.
    struct Layout {
        let x: Axis, y: Axis
        let labelWidth: Int
        let plotColumns: Int
    }

    func layout() -> Layout {
        let extent = figure.dataExtent
        let yAxis = Axis.fitting(fixed: figure.yRange, extent: extent.y, length: Double(rows), idealSpacing: 4,
                                 gap: 1, labelSize: { _ in 1 })
        let labelWidth = max(1, yAxis.ticks.labels.map(\.count).max() ?? 1)
        let plotColumns = max(10, columns - labelWidth - 1)
        let xAxis = Axis.fitting(fixed: figure.xRange, extent: extent.x, length: Double(plotColumns),
                                 idealSpacing: 12, gap: 2, labelSize: { Double($0.count) })
        return Layout(x: xAxis, y: yAxis, labelWidth: labelWidth, plotColumns: plotColumns)
    }

    func render() -> String {
        let layout = self.layout()
        let (plot, legendGlyphs) = drawCells(layout)
        return text(layout, plot: plot, legendGlyphs: legendGlyphs)
    }

    /// The plot's cells, bottom layer first, and each legend entry's glyph.
    func drawCells(_ layout: Layout) -> (plot: PlotCells, legendGlyphs: [String]) {
        let (plotColumns, xAxis, yAxis) = (layout.plotColumns, layout.x, layout.y)
        var plot = PlotCells(columns: plotColumns, rows: rows, x: xAxis, y: yAxis)
        let entries = figure.legendEntries
        let usesBraille = entries.filter { $0.mark != .bar }.count == 1
        for series in figure.series {
            if case let .density(xRange, yRange, values) = series.kind, let scale = DensityGrid.valueRange(values) {
                plot.drawDensity(xRange: xRange, yRange: yRange, values: values, scale: scale)
            }
        }
        var legendGlyphs: [String] = []
        var histogramCount = 0
        var markerCount = 0
        for entry in entries {
            let series = figure.series[entry.seriesIndex]
            switch series.kind {
            case let .histogram(edges, heights):
                plot.drawHistogram(edges: edges, heights: heights, style: histogramCount)
                legendGlyphs.append(String(Self.barShades[histogramCount % Self.barShades.count]))
                histogramCount += 1
            case let .line(xs, ys):
                var raster = TextRaster(columns: plotColumns, rows: rows, braille: usesBraille)
                raster.draw(polyline: plot.rasterPoints(xs: xs, ys: ys, raster: raster))
                legendGlyphs.append(plot.overlay(raster, marker: usesBraille ? nil : Self.markers[markerCount % 8]) ??
                                    Self.brailleLineGlyph)
                markerCount += 1
            case let .scatter(xs, ys, categories, _):
                var raster = TextRaster(columns: plotColumns, rows: rows, braille: usesBraille)
                for (point, category) in zip(plot.rasterPoints(xs: xs, ys: ys, raster: raster), categories)
                where category == entry.category {
                    if let point { raster.set(x: point.x, y: point.y) }
                }
                legendGlyphs.append(plot.overlay(raster, marker: usesBraille ? nil : Self.markers[markerCount % 8]) ??
                                    Self.braillePointGlyph)
                markerCount += 1
            case .density:
                break
            }
        }
        return (plot, legendGlyphs)
    }

    /// The lines of text: title, y label, the plot with its y ticks, the x axis and labels, the legend and
    /// the colour scales.
    func text(_ layout: Layout, plot: PlotCells, legendGlyphs: [String]) -> String {
        let (labelWidth, plotColumns, xAxis, yAxis) = (layout.labelWidth, layout.plotColumns, layout.x, layout.y)
        let entries = figure.legendEntries
        var lines: [String] = []
        let plotStart = labelWidth + 1
        func centred(_ text: String) -> String {
            let text = TextFit.truncated(text, to: columns)
            let start = min(max(0, plotStart + (plotColumns - text.count) / 2), columns - text.count)
            return String(repeating: " ", count: start) + text
        }
        let title = TextFit.singleLine(figure.title)
        if !title.isEmpty { lines.append(centred(title)) }
        let yLabel = TextFit.singleLine(figure.yLabel)
        if !yLabel.isEmpty { lines.append(TextFit.truncated(yLabel, to: columns)) }

        var rowLabels = [String?](repeating: nil, count: rows)
        for (value, label) in zip(yAxis.ticks.values, yAxis.ticks.labels) {
            let row = plot.row(yAxis.fraction(value))
            if rowLabels[row] == nil { rowLabels[row] = label }
        }
        for row in 0..<rows {
            let label = rowLabels[row] ?? ""
            let prefix = String(repeating: " ", count: labelWidth - label.count) + label
            lines.append(prefix + (rowLabels[row] == nil ? "│" : "┤") + String(plot.cells[row]))
        }

        var axis = Array(String(repeating: " ", count: labelWidth) + "└" + String(repeating: "─", count: plotColumns))
        var labelLine = [Character](repeating: " ", count: columns)
        var freeFrom = 0
        for (value, label) in zip(xAxis.ticks.values, xAxis.ticks.labels) {
            let column = plot.column(xAxis.fraction(value))
            axis[plotStart + column] = "┬"
            let start = min(max(0, plotStart + column - (label.count - 1) / 2), columns - label.count)
            guard start >= freeFrom else { continue }
            labelLine.replaceSubrange(start..<(start + label.count), with: Array(label))
            freeFrom = start + label.count + 1
        }
        lines.append(String(axis))
        lines.append(String(labelLine))
        let xLabel = TextFit.singleLine(figure.xLabel)
        if !xLabel.isEmpty { lines.append(centred(xLabel)) }

        if figure.drawsLegend {
            var line = ""
            for (entry, glyph) in zip(entries, legendGlyphs) {
                let item = glyph + " " + TextFit.singleLine(entry.label)
                if !line.isEmpty, line.count + 3 + item.count > columns {
                    lines.append(line)
                    line = ""
                }
                line += (line.isEmpty ? "" : "   ") + item
            }
            if !line.isEmpty { lines.append(line) }
        }
        for series in figure.series {
            guard case let .density(_, _, values) = series.kind, let scale = DensityGrid.valueRange(values) else {
                continue
            }
            let name = TextFit.singleLine(series.label)
            lines.append((name.isEmpty ? "scale" : name) + ": [" + String(Self.shades) + "] from "
                         + NumberFormat.short(scale.lowerBound) + " to " + NumberFormat.short(scale.upperBound))
        }

        return lines.map { line in
            var line = Substring(TextFit.truncated(line, to: columns))
            while line.last == " " { line = line.dropLast() }
            return line + "\n"
        }.joined()
    }
}

/// The plot area of a text figure: `rows` lines of `columns` cells.
struct PlotCells {
    let columns: Int
    let rows: Int
    let x: Axis
    let y: Axis
    /// The characters, row 0 at the top.
    var cells: [[Character]]

    init(columns: Int, rows: Int, x: Axis, y: Axis) {
        self.columns = columns
        self.rows = rows
        self.x = x
        self.y = y
        cells = Array(repeating: Array(repeating: " ", count: columns), count: rows)
    }

    /// The column of a fraction along the x axis (0...1), clamped to the plot.
    func column(_ fraction: Double) -> Int {
        Int(flooring: fraction * Double(columns), to: 0...(columns - 1))
    }

    /// The row (0 at the top) of a fraction along the y axis (0...1), clamped to the plot.
    ///
    /// Row `r` holds the fractions in `(1 - (r + 1) / rows, 1 - r / rows]`: a value on the boundary of two
    /// rows belongs to the lower one, as in the dot rasters, so a tick label sits on the top row of a
    /// bar of that height.
    func row(_ fraction: Double) -> Int {
        Int(flooring: (1 - fraction) * Double(rows), to: 0...(rows - 1))
    }

    /// The points `(xs[i], ys[i])` in the raster's dot coordinates; `nil` for non-finite points.
    func rasterPoints(xs: [Double], ys: [Double], raster: TextRaster) -> [Point?] {
        zip(xs, ys).map { px, py in
            guard px.isFinite, py.isFinite else { return nil }
            let point = Point(x: x.fraction(px) * Double(raster.width), y: (1 - y.fraction(py)) * Double(raster.height))
            return point.x.isFinite && point.y.isFinite ? point : nil
        }
    }

    /// Copies the raster's set cells over the plot, as braille or, given a marker, as that marker.
    /// Returns the marker as a legend glyph, or `nil` for braille.
    mutating func overlay(_ raster: TextRaster, marker: Character?) -> String? {
        for row in 0..<rows {
            for column in 0..<columns where raster.isSet(column: column, row: row) {
                cells[row][column] = marker ?? raster.braille(column: column, row: row)
            }
        }
        return marker.map { String($0) }
    }

    /// Draws a histogram; `style` 0 uses eighth blocks, later styles whole-cell shades.
    mutating func drawHistogram(edges: [Double], heights: [Double], style: Int) {
        let bins = Histogram.bins(edges: edges, heights: heights).filter { $0.upper > $0.lower }
        let span = x.range.upperBound - x.range.lowerBound
        let baseline = min(max(0, y.range.lowerBound), y.range.upperBound)
        let levels = rows * 8
        func eighths(_ value: Double) -> Int {
            Int(flooring: (y.fraction(value) * Double(levels)).rounded(.toNearestOrAwayFromZero), to: 0...levels)
        }
        let base = eighths(baseline)
        for column in 0..<columns {
            // The mean height of the bins under this column, weighted by overlap.
            let lower = x.range.lowerBound + span * Double(column) / Double(columns)
            let upper = x.range.lowerBound + span * Double(column + 1) / Double(columns)
            var covered = 0.0, weighted = 0.0
            for bin in bins {
                let overlap = min(upper, bin.upper) - max(lower, bin.lower)
                if overlap > 0 {
                    covered += overlap
                    weighted += overlap * bin.height
                }
            }
            guard covered > 0 else { continue }
            let top = eighths(weighted / covered)
            let low = min(base, top), high = max(base, top)
            for level in 0..<rows {
                // Eighths of this cell (counted from the bottom of the plot) inside the bar.
                let cellLow = level * 8
                let filled = min(high, cellLow + 8) - max(low, cellLow)
                guard filled > 0 else { continue }
                let row = rows - 1 - level
                if style == 0 {
                    if filled == 8 {
                        cells[row][column] = "█"
                    } else if low <= cellLow {
                        cells[row][column] = ASCIIRenderer.eighths[filled]
                    } else {
                        // A bar hanging down from the baseline ends in the upper part of the cell.
                        cells[row][column] = filled >= 4 ? "▀" : "▔"
                    }
                } else if filled >= 4 {
                    let shades = ASCIIRenderer.barShades
                    cells[row][column] = shades[1 + (style - 1) % (shades.count - 1)]
                }
            }
        }
    }

    /// Shades cells by the density value under their centres.
    mutating func drawDensity(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, values: [[Double]],
                              scale: ClosedRange<Double>) {
        guard Axis.validRange(xRange) != nil, Axis.validRange(yRange) != nil, !values.isEmpty else { return }
        let shades = ASCIIRenderer.shades
        for row in 0..<rows {
            let fy = (Double(rows - 1 - row) + 0.5) / Double(rows)
            let yValue = y.range.lowerBound + fy * (y.range.upperBound - y.range.lowerBound)
            let rowPosition = (yValue - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
            guard rowPosition >= 0, rowPosition < 1 else { continue }
            let gridRow = Int(flooring: rowPosition * Double(values.count), to: 0...(values.count - 1))
            guard !values[gridRow].isEmpty else { continue }
            let gridValues = values[gridRow]
            for column in 0..<columns {
                let fx = (Double(column) + 0.5) / Double(columns)
                let xValue = x.range.lowerBound + fx * (x.range.upperBound - x.range.lowerBound)
                let columnPosition = (xValue - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
                guard columnPosition >= 0, columnPosition < 1 else { continue }
                let gridColumn = Int(flooring: columnPosition * Double(gridValues.count),
                                     to: 0...(gridValues.count - 1))
                guard gridValues[gridColumn].isFinite else { continue }
                let level = DensityGrid.level(gridValues[gridColumn], in: scale)
                let shade = shades[Int(flooring: level * Double(shades.count), to: 0...(shades.count - 1))]
                if shade != " " { cells[row][column] = shade }
            }
        }
    }
}
