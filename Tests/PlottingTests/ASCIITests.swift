import Testing
@testable import Plotting

/// The parts of a text figure: its lines, the plot rows and where the plot starts.
struct TextFigure {
    let lines: [String]
    /// The plot rows (those with a y axis character), each as characters.
    let plotRows: [[Character]]
    /// The column of the first plot cell.
    let plotStart: Int
    /// The number of plot cells per row.
    let plotColumns: Int

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let axisLine = lines.first { $0.contains("└") } ?? ""
        let corner = axisLine.firstIndex(of: "└").map { axisLine.distance(from: axisLine.startIndex, to: $0) } ?? 0
        plotStart = corner + 1
        plotColumns = axisLine.count - plotStart
        plotRows = lines.map(Array.init).filter { $0.count > corner && ($0[corner] == "│" || $0[corner] == "┤") }
    }

    /// The character of plot cell (`column`, `row`), a space beyond the end of a trimmed line.
    func cell(_ column: Int, _ row: Int) -> Character {
        let line = plotRows[row]
        return plotStart + column < line.count ? line[plotStart + column] : " "
    }
}

@Suite struct ASCIITests {
    @Test(arguments: Fixtures.all)
    func linesFitTheWidthWithoutTrailingSpaces(figure: Figure) {
        for columns in [10, 40, 72, 100, 250] {
            let text = figure.ascii(columns: columns, rows: 12)
            #expect(text.hasSuffix("\n"))
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(!lines.isEmpty)
            for line in lines {
                #expect(line.count <= min(100, max(40, columns)), "\(columns): \(line)")
                #expect(line.last != " ")
            }
        }
    }

    @Test func longTextIsCutToTheWidth() {
        var figure = Figure(title: String(repeating: "very long title ", count: 20), xLabel: String(repeating: "x", count: 300),
                            yLabel: String(repeating: "y", count: 300))
        figure.add(.line(xs: [0, 1], ys: [0, 1], label: String(repeating: "a", count: 200)))
        figure.add(.line(xs: [0, 1], ys: [1, 0], label: "b"))
        for line in figure.ascii(columns: 100, rows: 8).split(separator: "\n") {
            #expect(line.count <= 100)
        }
    }

    @Test(arguments: Fixtures.all)
    func sameDataGivesSameText(figure: Figure) {
        let copy = figure
        #expect(Array(figure.ascii().utf8) == Array(copy.ascii().utf8))
    }

    @Test func plotHasTheRequestedRowsAndLabels() throws {
        let text = Fixtures.histogramWithCurve.ascii(columns: 72, rows: 16)
        let figure = TextFigure(text)
        #expect(figure.plotRows.count == 16)
        #expect(figure.plotStart + figure.plotColumns == 72)
        #expect(figure.lines[0].trimmingPrefixSpaces == "Truncated logistic, m = 0.3, s = 0.4")
        #expect(figure.lines[1] == "density")
        let axisIndex = try #require(figure.lines.firstIndex { $0.contains("└") })
        #expect(figure.lines[axisIndex].contains("┬"))
        let tickLabels = figure.lines[axisIndex + 1].split(separator: " ").map(String.init)
        #expect(tickLabels.first == "-1.0")
        #expect(tickLabels.last == "2.0")
        #expect(figure.lines[axisIndex + 2].trimmingPrefixSpaces == "z")
    }

    @Test func tallestBarFillsTheFullHeight() {
        var figure = Figure(title: "bars", xLabel: "x", yLabel: "count")
        figure.add(.histogram(edges: [0, 1, 2, 3, 4], heights: [1, 2, 4, 2], label: "counts"))
        let text = TextFigure(figure.ascii(columns: 60, rows: 8))
        let rows = text.plotRows.count
        #expect(rows == 8)
        func filledRows(atFraction fraction: Double) -> Int {
            let column = Int(fraction * Double(text.plotColumns))
            return (0..<rows).filter { text.cell(column, $0) == "█" }.count
        }
        // The y axis runs 0...4: the bar of 4 fills every row, 2 half of them, 1 a quarter.
        #expect(filledRows(atFraction: 0.625) == rows)
        #expect((0..<rows).allSatisfy { text.cell(Int(0.625 * Double(text.plotColumns)), $0) == "█" })
        #expect(filledRows(atFraction: 0.375) == rows / 2)
        #expect(filledRows(atFraction: 0.125) == rows / 4)
        // Above the half-height bar, nothing.
        #expect(text.cell(Int(0.375 * Double(text.plotColumns)), 0) == " ")
        // The tick label of 2 is on the top row of the bar of 2.
        let rowOfTwo = text.plotRows.firstIndex { String($0).hasPrefix("2┤") }
        #expect(rowOfTwo == rows / 2)
        #expect(text.cell(Int(0.375 * Double(text.plotColumns)), rows / 2) == "█")
        #expect(text.cell(Int(0.375 * Double(text.plotColumns)), rows / 2 - 1) == " ")
    }

    @Test func partialBarsEndInEighthBlocks() {
        var figure = Figure(title: "bars", xLabel: "x", yLabel: "y", yRange: 0...1)
        figure.add(.histogram(edges: [0, 1], heights: [0.5 + 1 / 16], label: "h"))
        let text = TextFigure(figure.ascii(columns: 40, rows: 4))
        // 0.5625 of 4 rows = 2 rows and 2 eighths.
        #expect(text.cell(5, 3) == "█")
        #expect(text.cell(5, 2) == "█")
        #expect(text.cell(5, 1) == "▂")
        #expect(text.cell(5, 0) == " ")
    }

    @Test func aSingleLineIsDrawnInBraille() {
        var figure = Figure(title: "t", xLabel: "x", yLabel: "y")
        figure.add(.line(xs: [0, 1, 2, 3], ys: [0, 3, 1, 2], label: "one"))
        let text = figure.ascii(columns: 60, rows: 10)
        let braille = text.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }
        #expect(braille.count >= 40)
        #expect(!text.contains("one"))  // one entry: no legend
    }

    @Test func severalSeriesGetGlyphsAndALegend() throws {
        let text = Fixtures.lines.ascii(columns: 80, rows: 16)
        let legend = try #require(text.split(separator: "\n").last)
        #expect(legend == "* adam   o sgd   x rmsprop")
        let plot = TextFigure(text).plotRows.map { String($0) }.joined()
        for glyph in ["*", "o", "x"] { #expect(plot.contains(glyph)) }
        #expect(!plot.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })

        let histogram = Fixtures.histogramWithCurve.ascii()
        #expect(histogram.hasSuffix("█ samples   ⠒⠒ f(z; m, s)\n"))

        let scatter = Fixtures.scatter.ascii()
        #expect(scatter.hasSuffix("* k = 0   o k = 1   x k = 2\n"))
    }

    @Test func laterHistogramsUseShades() throws {
        var figure = Figure(title: "two", xLabel: "x", yLabel: "y")
        figure.add(.histogram(edges: [0, 1, 2], heights: [2, 1], label: "first"))
        figure.add(.histogram(edges: [2, 3, 4], heights: [1, 2], label: "second"))
        let text = figure.ascii(columns: 50, rows: 8)
        #expect(try #require(text.split(separator: "\n").last) == "█ first   ▒ second")
        let plot = TextFigure(text)
        #expect(plot.cell(plot.plotColumns - 2, plot.plotRows.count - 1) == "▒")
        #expect(plot.cell(1, plot.plotRows.count - 1) == "█")
    }

    @Test func nonFiniteValuesAreSkipped() {
        var figure = Figure(title: "gaps", xLabel: "x", yLabel: "y")
        figure.add(.line(xs: [0, 1, .nan, 3], ys: [0, 1, 2, .infinity], label: "l"))
        figure.add(.histogram(edges: [0, 1, 2], heights: [.nan, 1], label: "h"))
        figure.add(.scatter(xs: [.infinity, 2], ys: [1, 1], label: "s"))
        let text = figure.ascii(columns: 60, rows: 8)
        #expect(!text.lowercased().contains("nan"))
        #expect(!text.lowercased().contains("inf"))
        // The axes ignore the non-finite values: x spans 0...2.
        let tickLine = TextFigure(text).lines.first { $0.contains("└") }.map { _ in true }
        #expect(tickLine == true)
        #expect(text.contains("0.0") && text.contains("2.0"))
        #expect(!text.contains("3.0"))
    }

    @Test func densityIsShadedWithAScale() throws {
        let text = Fixtures.density.ascii(columns: 60, rows: 12)
        let plot = TextFigure(text).plotRows.map { String($0) }.joined()
        #expect(plot.contains("@"))
        #expect(plot.contains("."))
        let scale = try #require(text.split(separator: "\n").last)
        #expect(scale.hasPrefix("p(x, y): [ .:-=+*#%@] from "))
    }

    @Test func givenRangesOverrideTheData() {
        var figure = Figure(title: "t", xLabel: "x", yLabel: "y", xRange: -10...10, yRange: 5...7)
        figure.add(.line(xs: [0, 1], ys: [0, 1], label: "l"))
        let text = figure.ascii(columns: 60, rows: 10)
        #expect(text.contains("-10"))
        #expect(text.contains("7"))
        // The line lies below the y range: nothing is drawn.
        let plot = TextFigure(text).plotRows.map { String($0.dropFirst(TextFigure(text).plotStart)) }.joined()
        #expect(plot.allSatisfy { $0 == " " })
    }
}

extension String {
    var trimmingPrefixSpaces: String { String(drop { $0 == " " }) }
}
