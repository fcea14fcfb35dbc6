// Drawing a figure as SVG.

extension Figure {
    /// The figure as a standalone SVG document.
    ///
    /// The document has a white background, the title above the plot, a framed plot area with light
    /// grid lines, ticks and tick labels on the left and bottom axes, the axis labels (the y label
    /// rotated), and to the right of the plot the legend (see ``showsLegend``) and a colour bar for
    /// each density series. Coordinates are rounded to two decimals. Non-finite data is skipped and
    /// data outside the axis ranges is clipped, so the output never holds "nan" or "inf".
    ///
    /// - Parameters:
    ///   - width: The width in pixels, clamped to 160...4000.
    ///   - height: The height in pixels, clamped to 120...4000.
    /// - Returns: The SVG text, ending with a newline. The same figure and size give the same bytes.
    public func svg(width: Int = 640, height: Int = 400) -> String {
        SVGRenderer(figure: self, width: width, height: height).render()
    }
}

/// Lays out and draws one figure as SVG.
struct SVGRenderer {
    let figure: Figure
    let width: Double
    let height: Double

    static let fontSize = 12.0
    /// The estimated advance of one character at ``fontSize`` in a sans-serif font.
    static let charWidth = 7.0
    static let legendRowHeight = 18.0

    init(figure: Figure, width: Int, height: Int) {
        self.figure = figure
        self.width = Double(min(4000, max(160, width)))
        self.height = Double(min(4000, max(120, height)))
    }

    /// A density series with its value range, for the colour bars.
    struct DensityScale {
        var label: String
        var range: ClosedRange<Double>
        var ticks: Ticks
    }

    /// Where everything goes, decided before anything is drawn: the texts as they fit, the right panel's
    /// legend entries and colour scales, and the plot area with its axes.
    struct Layout {
        let title: String, xLabel: String, yLabel: String
        let entries: [LegendEntry]
        let scales: [DensityScale]
        let panelWidth: Double
        let plotWidth: Double
        let map: PixelMap
        var plot: Rect { map.plot }
    }

    func layout() -> Layout {
        let cw = Self.charWidth
        // The title is bold at 15 px: about 9 px a character.
        let title = TextFit.truncated(TextFit.singleLine(figure.title), to: Int((width - 8) / 9))
        let xLabel = TextFit.singleLine(figure.xLabel)
        let yLabel = TextFit.truncated(TextFit.singleLine(figure.yLabel), to: Int((height - 60) / cw))
        let extent = figure.dataExtent

        // Right panel: legend and colour bars, at most about a third of the width.
        let maxPanel = (width * 0.35).rounded(.down)
        let maxChars = max(4, Int((maxPanel - 50) / cw))
        let entries = figure.drawsLegend
            ? figure.legendEntries.map { entry -> LegendEntry in
                var entry = entry
                entry.label = TextFit.truncated(TextFit.singleLine(entry.label), to: maxChars)
                return entry
            }
            : []
        let scales: [DensityScale] = figure.series.compactMap { series in
            guard case let .density(_, _, values) = series.kind, let range = DensityGrid.valueRange(values)
            else { return nil }
            let ticks = Ticks(in: range, targetCount: 4)
            return DensityScale(label: TextFit.truncated(TextFit.singleLine(series.label), to: maxChars),
                                range: range, ticks: ticks)
        }
        var panelWidth = 0.0
        if !entries.isEmpty {
            let longest = entries.map(\.label.count).max() ?? 0
            panelWidth = 44 + Double(longest) * cw
        }
        for scale in scales {
            let labels = scale.ticks.labels.map(\.count).max() ?? 0
            panelWidth = max(panelWidth, 14 + 8 + Double(labels) * cw, Double(scale.label.count) * cw)
        }
        panelWidth = min(panelWidth, maxPanel)

        // Plot area.
        let top = title.isEmpty ? 14.0 : 40.0
        let bottom = height - (xLabel.isEmpty ? 30.0 : 50.0)
        let plotHeight = bottom - top
        let yAxis = Axis.fitting(fixed: figure.yRange, extent: extent.y, length: plotHeight,
                                 idealSpacing: 60, gap: 6, labelSize: { _ in Self.fontSize })
        let yTickWidth = Double(yAxis.ticks.labels.map(\.count).max() ?? 0) * cw
        let left = 10 + (yLabel.isEmpty ? 0 : 22) + yTickWidth + 10
        let right = width - 14 - (panelWidth > 0 ? panelWidth + 16 : 0)
        let plotWidth = max(20, right - left)
        let xAxis = Axis.fitting(fixed: figure.xRange, extent: extent.x, length: plotWidth,
                                 idealSpacing: 90, gap: 14, labelSize: { Double($0.count) * cw })
        let plot = Rect(minX: left, minY: top, maxX: left + plotWidth, maxY: bottom)
        let map = PixelMap(x: xAxis, y: yAxis, plot: plot)
        return Layout(title: title, xLabel: xLabel, yLabel: yLabel, entries: entries, scales: scales,
                      panelWidth: panelWidth, plotWidth: plotWidth, map: map)
    }

    func render() -> String {
        let layout = self.layout()
        var svg = SVGWriter()
        let n = SVGWriter.number
        svg.open("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"), ("width", n(width)), ("height", n(height)),
            ("viewBox", "0 0 \(n(width)) \(n(height))"), ("font-family", "Helvetica, Arial, sans-serif"),
            ("font-size", n(Self.fontSize)),
        ])
        svg.element("rect", [("x", "0"), ("y", "0"), ("width", n(width)), ("height", n(height)), ("fill", "#ffffff")])

        drawGrid(&svg, map: layout.map)
        drawSeries(&svg, map: layout.map)
        drawAxes(&svg, map: layout.map)
        drawTexts(&svg, layout)
        drawPanel(&svg, layout)
        svg.close("svg")
        return svg.document
    }

    /// Every series, in order; colours go to legend entries in drawing order (see `Figure.legendEntries`).
    private func drawSeries(_ svg: inout SVGWriter, map: PixelMap) {
        var colorIndex = 0
        for series in figure.series {
            switch series.kind {
            case let .histogram(edges, heights):
                drawHistogram(&svg, map: map, edges: edges, heights: heights, color: Palette.color(colorIndex))
                colorIndex += 1
            case let .line(xs, ys):
                drawLine(&svg, map: map, xs: xs, ys: ys, color: Palette.color(colorIndex))
                colorIndex += 1
            case let .scatter(xs, ys, categories, labels):
                for category in Series.scatterCategories(categories, labels: labels) {
                    drawPoints(&svg, map: map, xs: xs, ys: ys, categories: categories, category: category,
                               color: Palette.color(colorIndex))
                    colorIndex += 1
                }
            case let .density(xRange, yRange, values):
                if let range = DensityGrid.valueRange(values) {
                    drawDensity(&svg, map: map, xRange: xRange, yRange: yRange, values: values, scale: range)
                }
            }
        }
    }

    /// The title, the x label and the rotated y label.
    private func drawTexts(_ svg: inout SVGWriter, _ layout: Layout) {
        let (n, cw, plot) = (SVGWriter.number, Self.charWidth, layout.plot)
        let (title, xLabel, yLabel, plotWidth) = (layout.title, layout.xLabel, layout.yLabel, layout.plotWidth)
        if !title.isEmpty {
            let estimated = Double(title.count) * 9
            let centre = min(max((plot.minX + plot.maxX) / 2, estimated / 2 + 4), width - estimated / 2 - 4)
            svg.element("text", [("x", n(centre)), ("y", "24"), ("text-anchor", "middle"), ("font-size", "15"),
                                 ("font-weight", "bold")], text: title)
        }
        if !xLabel.isEmpty {
            svg.element("text", [("x", n((plot.minX + plot.maxX) / 2)), ("y", n(height - 10)),
                                 ("text-anchor", "middle")],
                        text: TextFit.truncated(xLabel, to: Int(plotWidth / cw)))
        }
        if !yLabel.isEmpty {
            let y = (plot.minY + plot.maxY) / 2
            svg.element("text", [("transform", "translate(18,\(n(y))) rotate(-90)"), ("text-anchor", "middle")],
                        text: yLabel)
        }
    }

    /// The legend, then a colour bar per density series, right of the plot.
    private func drawPanel(_ svg: inout SVGWriter, _ layout: Layout) {
        let (plot, entries, scales, panelWidth) = (layout.plot, layout.entries, layout.scales, layout.panelWidth)
        let panelX = plot.maxX + 16
        var panelY = plot.minY
        if !entries.isEmpty {
            drawLegend(&svg, entries: entries, x: panelX, y: panelY, width: panelWidth)
            panelY += Double(entries.count) * Self.legendRowHeight + 8 + 16
        }
        if !scales.isEmpty {
            let available = plot.maxY - panelY
            let each = available / Double(scales.count)
            for scale in scales {
                drawColorBar(&svg, scale: scale, x: panelX, y: panelY, height: min(200, each - 24))
                panelY += each
            }
        }
    }

    // MARK: - Parts

    private func drawGrid(_ svg: inout SVGWriter, map: PixelMap) {
        let n = SVGWriter.number
        var d = ""
        for value in map.x.ticks.values {
            let x = map.px(value)
            d += "M\(n(x)) \(n(map.plot.minY))V\(n(map.plot.maxY))"
        }
        for value in map.y.ticks.values {
            let y = map.py(value)
            d += "M\(n(map.plot.minX)) \(n(y))H\(n(map.plot.maxX))"
        }
        if !d.isEmpty {
            svg.element("path", [("d", d), ("stroke", "#e5e5e5"), ("stroke-width", "1"), ("fill", "none")])
        }
    }

    private func drawAxes(_ svg: inout SVGWriter, map: PixelMap) {
        let n = SVGWriter.number
        let plot = map.plot
        svg.element("rect", [("x", n(plot.minX)), ("y", n(plot.minY)), ("width", n(plot.maxX - plot.minX)),
                             ("height", n(plot.maxY - plot.minY)), ("fill", "none"), ("stroke", "#000000"),
                             ("stroke-width", "1")])
        var ticks = ""
        for value in map.x.ticks.values {
            ticks += "M\(n(map.px(value))) \(n(plot.maxY))v5"
        }
        for value in map.y.ticks.values {
            ticks += "M\(n(plot.minX)) \(n(map.py(value)))h-5"
        }
        if !ticks.isEmpty {
            svg.element("path", [("d", ticks), ("stroke", "#000000"), ("stroke-width", "1"), ("fill", "none")])
        }
        svg.open("g", [("text-anchor", "middle")])
        for (value, label) in zip(map.x.ticks.values, map.x.ticks.labels) {
            svg.element("text", [("x", n(map.px(value))), ("y", n(plot.maxY + 19))], text: label)
        }
        svg.close("g")
        svg.open("g", [("text-anchor", "end")])
        for (value, label) in zip(map.y.ticks.values, map.y.ticks.labels) {
            svg.element("text", [("x", n(plot.minX - 8)), ("y", n(map.py(value) + 4))], text: label)
        }
        svg.close("g")
    }

    private func drawHistogram(_ svg: inout SVGWriter, map: PixelMap, edges: [Double], heights: [Double],
                               color: String) {
        let n = SVGWriter.number
        let baseline = min(max(0, map.y.range.lowerBound), map.y.range.upperBound)
        svg.open("g", [("fill", color), ("fill-opacity", "0.45"), ("stroke", color), ("stroke-width", "0.75")])
        for bin in Histogram.bins(edges: edges, heights: heights) {
            let x0 = map.clampX(map.px(bin.lower)), x1 = map.clampX(map.px(bin.upper))
            let ya = map.clampY(map.py(baseline)), yb = map.clampY(map.py(bin.height))
            let y0 = min(ya, yb), y1 = max(ya, yb)
            guard x1 > x0, y1 > y0 else { continue }
            svg.element("rect", [("x", n(x0)), ("y", n(y0)), ("width", n(x1 - x0)), ("height", n(y1 - y0))])
        }
        svg.close("g")
    }

    private func drawLine(_ svg: inout SVGWriter, map: PixelMap, xs: [Double], ys: [Double], color: String) {
        let n = SVGWriter.number
        let points: [Point?] = zip(xs, ys).map { x, y in map.point(x, y) }
        var d = ""
        for piece in map.plot.clipPolyline(points) {
            for (i, p) in piece.enumerated() {
                d += (i == 0 ? "M" : "L") + n(p.x) + " " + n(p.y)
            }
        }
        guard !d.isEmpty else { return }
        svg.element("path", [("d", d), ("fill", "none"), ("stroke", color), ("stroke-width", "2"),
                             ("stroke-linejoin", "round"), ("stroke-linecap", "round")])
    }

    private func drawPoints(_ svg: inout SVGWriter, map: PixelMap, xs: [Double], ys: [Double], categories: [Int],
                            category: Int, color: String) {
        let n = SVGWriter.number
        var d = ""
        for (i, (x, y)) in zip(xs, ys).enumerated() where i < categories.count && categories[i] == category {
            guard let p = map.point(x, y), map.plot.contains(p) else { continue }
            // A zero-length subpath with round caps draws a dot.
            d += "M\(n(p.x)) \(n(p.y))h0"
        }
        guard !d.isEmpty else { return }
        svg.element("path", [("d", d), ("fill", "none"), ("stroke", color), ("stroke-width", "5"),
                             ("stroke-linecap", "round"), ("stroke-opacity", "0.85")])
    }

    private func drawDensity(_ svg: inout SVGWriter, map: PixelMap, xRange: ClosedRange<Double>,
                             yRange: ClosedRange<Double>, values: [[Double]], scale: ClosedRange<Double>) {
        guard Axis.validRange(xRange) != nil, Axis.validRange(yRange) != nil, !values.isEmpty else { return }
        let n = SVGWriter.number
        svg.open("g", [("shape-rendering", "crispEdges")])
        let rowHeight = (yRange.upperBound - yRange.lowerBound) / Double(values.count)
        for (r, row) in values.enumerated() where !row.isEmpty {
            let ya = map.clampY(map.py(yRange.lowerBound + Double(r) * rowHeight))
            let yb = map.clampY(map.py(yRange.lowerBound + Double(r + 1) * rowHeight))
            let y0 = min(ya, yb), y1 = max(ya, yb)
            guard y1 > y0 else { continue }
            let columnWidth = (xRange.upperBound - xRange.lowerBound) / Double(row.count)
            // Runs of cells with the same quantised colour become one rectangle.
            var c = 0
            while c < row.count {
                guard row[c].isFinite else {
                    c += 1
                    continue
                }
                let level = ColorScale.level(DensityGrid.level(row[c], in: scale))
                var end = c + 1
                while end < row.count, row[end].isFinite,
                      ColorScale.level(DensityGrid.level(row[end], in: scale)) == level {
                    end += 1
                }
                let x0 = map.clampX(map.px(xRange.lowerBound + Double(c) * columnWidth))
                let x1 = map.clampX(map.px(xRange.lowerBound + Double(end) * columnWidth))
                if x1 > x0 {
                    svg.element("rect", [("x", n(x0)), ("y", n(y0)), ("width", n(x1 - x0)), ("height", n(y1 - y0)),
                                         ("fill", ColorScale.color(level: level))])
                }
                c = end
            }
        }
        svg.close("g")
    }

    private func drawLegend(_ svg: inout SVGWriter, entries: [LegendEntry], x: Double, y: Double, width: Double) {
        let n = SVGWriter.number
        let rowHeight = Self.legendRowHeight
        svg.element("rect", [("x", n(x)), ("y", n(y)), ("width", n(width)),
                             ("height", n(Double(entries.count) * rowHeight + 8)), ("fill", "#ffffff"),
                             ("stroke", "#999999"), ("stroke-width", "1")])
        for (i, entry) in entries.enumerated() {
            let centreY = y + 4 + rowHeight * (Double(i) + 0.5)
            let color = Palette.color(entry.colorIndex)
            switch entry.mark {
            case .bar:
                svg.element("rect", [("x", n(x + 8)), ("y", n(centreY - 5)), ("width", "22"), ("height", "10"),
                                     ("fill", color), ("fill-opacity", "0.45"), ("stroke", color),
                                     ("stroke-width", "0.75")])
            case .line:
                svg.element("path", [("d", "M\(n(x + 8)) \(n(centreY))h22"), ("stroke", color),
                                     ("stroke-width", "2"), ("fill", "none")])
            case .point:
                svg.element("circle", [("cx", n(x + 19)), ("cy", n(centreY)), ("r", "3.5"), ("fill", color)])
            }
            svg.element("text", [("x", n(x + 36)), ("y", n(centreY + 4))], text: entry.label)
        }
    }

    private func drawColorBar(_ svg: inout SVGWriter, scale: DensityScale, x: Double, y: Double, height: Double) {
        let n = SVGWriter.number
        guard height >= 20 else { return }
        if !scale.label.isEmpty {
            svg.element("text", [("x", n(x)), ("y", n(y + 12))], text: scale.label)
        }
        let barTop = y + 20
        let step = height / Double(ColorScale.levels)
        svg.open("g", [("shape-rendering", "crispEdges")])
        for level in 0..<ColorScale.levels {
            // Level 0 at the bottom.
            let y0 = barTop + height - Double(level + 1) * step
            svg.element("rect", [("x", n(x)), ("y", n(y0)), ("width", "14"), ("height", n(step + 0.5)),
                                 ("fill", ColorScale.color(level: level))])
        }
        svg.close("g")
        svg.element("rect", [("x", n(x)), ("y", n(barTop)), ("width", "14"), ("height", n(height)),
                             ("fill", "none"), ("stroke", "#000000"), ("stroke-width", "1")])
        let span = scale.range.upperBound - scale.range.lowerBound
        // A constant grid has one colour: label its value once, at the middle.
        let ticks = span > 0
            ? Array(zip(scale.ticks.values, scale.ticks.labels))
            : [(scale.range.lowerBound, NumberFormat.short(scale.range.lowerBound))]
        for (value, label) in ticks {
            let t = span > 0 ? (value - scale.range.lowerBound) / span : 0.5
            let ty = barTop + height - t * height
            svg.element("path", [("d", "M\(n(x + 14)) \(n(ty))h4"), ("stroke", "#000000"), ("stroke-width", "1")])
            svg.element("text", [("x", n(x + 21)), ("y", n(ty + 4))], text: label)
        }
    }
}

/// Maps data coordinates to pixels within the plot area.
struct PixelMap {
    var x: Axis
    var y: Axis
    var plot: Rect

    /// The pixel position of a data point, or `nil` if either coordinate is not finite.
    func point(_ dataX: Double, _ dataY: Double) -> Point? {
        let p = Point(x: px(dataX), y: py(dataY))
        return p.x.isFinite && p.y.isFinite ? p : nil
    }

    func px(_ value: Double) -> Double { plot.minX + x.fraction(value) * (plot.maxX - plot.minX) }
    func py(_ value: Double) -> Double { plot.maxY - y.fraction(value) * (plot.maxY - plot.minY) }
    func clampX(_ value: Double) -> Double { min(plot.maxX, max(plot.minX, value)) }
    func clampY(_ value: Double) -> Double { min(plot.maxY, max(plot.minY, value)) }
}
