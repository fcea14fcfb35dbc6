import Testing
@testable import Plotting

@Suite struct AxisTests {
    @Test func automaticRangesAreNicedAndHistogramsIncludeZero() {
        var figure = Figure()
        figure.add(.histogram(edges: [1.1, 2.3, 3.7], heights: [0.4, 0.93], label: "h"))
        let extent = figure.dataExtent
        #expect(extent.x == 1.1...3.7)
        #expect(extent.y == 0...0.93)
        let y = Axis.make(fixed: nil, extent: extent.y, targetCount: 5)
        #expect(y.range == 0...1)
        #expect(y.ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test func givenRangesAreKeptAsTheyAre() {
        let axis = Axis.make(fixed: 0.15...0.95, extent: 0...100, targetCount: 4)
        #expect(axis.range == 0.15...0.95)
        #expect(axis.ticks.values.allSatisfy { $0 >= 0.15 && $0 <= 0.95 })
        // An infinite or empty range is ignored.
        #expect(Axis.make(fixed: -.infinity...1, extent: 0...2, targetCount: 4).range == 0...2)
        #expect(Axis.make(fixed: 3...3, extent: 0...2, targetCount: 4).range == 0...2)
    }

    @Test func fittingDropsTicksWhoseLabelsWouldOverlap() {
        let wide = Axis.fitting(fixed: nil, extent: 0...1_000_000, length: 100, idealSpacing: 10, gap: 2,
                                labelSize: { Double($0.count) })
        let spacing = wide.ticks.step / (wide.range.upperBound - wide.range.lowerBound) * 100
        let longest = Double(wide.ticks.labels.map(\.count).max()!)
        #expect(spacing >= longest + 2)
        #expect(wide.ticks.values.count >= 2)
    }

    @Test func clippingKeepsThePartInside() throws {
        let rect = Rect(minX: 0, minY: 0, maxX: 10, maxY: 10)
        let (a, b) = try #require(rect.clip(Point(x: -5, y: 5), Point(x: 15, y: 5)))
        #expect(a == Point(x: 0, y: 5) && b == Point(x: 10, y: 5))
        #expect(rect.clip(Point(x: -5, y: -1), Point(x: 15, y: -1)) == nil)
        let pieces = rect.clipPolyline([Point(x: 1, y: 1), Point(x: 2, y: 2), nil, Point(x: 3, y: 3),
                                        Point(x: 4, y: 20), Point(x: 5, y: 3)])
        #expect(pieces.count == 3)
        #expect(pieces[0] == [Point(x: 1, y: 1), Point(x: 2, y: 2)])
    }

    @Test func categoriesAreSortedAndLabelled() {
        #expect(Series.scatterCategories([2, 0, 5, -1], labels: ["a", "b", "c"]) == [-1, 0, 1, 2, 5])
        #expect(Series.categoryLabel(5, labels: ["a"]) == "5")
        var figure = Figure()
        figure.add(.histogram(edges: [0, 1], heights: [1], label: "h"))
        figure.add(.scatter(xs: [0, 1], ys: [0, 1], categories: [1, 0], labels: ["p", "q"]))
        figure.add(.density(xRange: 0...1, yRange: 0...1, values: [[1]], label: "d"))
        figure.add(.line(xs: [0, 1], ys: [0, 1], label: "l"))
        #expect(figure.legendEntries.map(\.label) == ["h", "p", "q", "l"])
        #expect(figure.legendEntries.map(\.colorIndex) == [0, 1, 2, 3])
    }
}

@Suite struct EdgeCaseTests {
    static var figures: [Figure] {
        var extreme = Figure(title: "extreme", xLabel: "x", yLabel: "y")
        extreme.add(.line(xs: [0, 1, 2], ys: [1e308, -1e308, 1.7e308], label: "huge"))
        extreme.add(.scatter(xs: [-1.7e308, 1.7e308], ys: [0, 1], label: "wide"))
        var tiny = Figure(title: "tiny", xLabel: "x", yLabel: "y")
        let least = Double.leastNonzeroMagnitude
        tiny.add(.line(xs: [least, 2 * least], ys: [least, least], label: "subnormal"))
        tiny.add(.histogram(edges: [2000 * least, 4000 * least], heights: [200 * least], label: "small"))
        var constant = Figure(title: "constant", xLabel: "x", yLabel: "y")
        constant.add(.line(xs: [3, 3, 3], ys: [7, 7, 7], label: "point"))
        constant.add(.density(xRange: 0...1, yRange: 0...1, values: [[2, 2], [2, 2]], label: "flat"))
        var allNaN = Figure(title: "nothing finite", xLabel: "x", yLabel: "y")
        allNaN.add(.line(xs: [.nan, .infinity], ys: [1, 2], label: "none"))
        allNaN.add(.density(xRange: 0...1, yRange: 0...1, values: [[.nan]], label: "none"))
        allNaN.add(.density(xRange: 0...1, yRange: 0...1, values: [], label: "empty"))
        let empty = Figure()
        return [extreme, tiny, constant, allNaN, empty]
    }

    @Test(arguments: figures)
    func degenerateDataStillDrawsCleanly(figure: Figure) {
        let svg = figure.svg(width: 300, height: 200)
        #expect(SVGInspector(svg).wellFormed)
        #expect(!svg.lowercased().contains("nan"))
        #expect(!svg.lowercased().contains("inf"))
        let text = figure.ascii(columns: 50, rows: 6)
        #expect(!text.lowercased().contains("nan"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 50 && $0.last != " " })
        // Axes are drawn even without data.
        #expect(text.contains("└") && text.contains("┬"))
    }
}

extension AxisTests {
    @Test func fittingKeepsAtLeastTwoTicks() {
        // Two intervals over -3...3 would be 5 apart, leaving only 0 inside.
        let axis = Axis.fitting(fixed: nil, extent: -3...3, length: 240, idealSpacing: 90, gap: 14,
                                labelSize: { Double($0.count) * 7 })
        #expect(axis.range == -3...3)
        #expect(axis.ticks.values.count >= 2)
    }
}
