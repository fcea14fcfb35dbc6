import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Plotting

/// Parses an SVG document, collecting its elements and text.
final class SVGInspector: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    private(set) var elements: [Element] = []
    private var open: [Int] = []
    private(set) var wellFormed = false

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        wellFormed = parser.parse()
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(Element(name: elementName, attributes: attributeDict))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = open.last { elements[index].text += string }
    }

    func elements(named name: String) -> [Element] { elements.filter { $0.name == name } }
    var texts: [String] { elements(named: "text").map(\.text) }
}

/// The numbers written in `text`: maximal runs of digits, with a leading minus and a point.
func numbers(in text: String) -> [String] {
    var result: [String] = []
    var current = ""
    for c in text {
        if c.isASCII && (c.isNumber || c == "." || (c == "-" && current.isEmpty)) {
            current.append(c)
        } else {
            if current.contains(where: \.isNumber) { result.append(current) }
            current = c == "-" ? "-" : ""
        }
    }
    if current.contains(where: \.isNumber) { result.append(current) }
    return result
}

@Suite struct SVGTests {
    @Test(arguments: Fixtures.all)
    func documentsAreWellFormedSVG(figure: Figure) throws {
        let svg = figure.svg(width: 640, height: 400)
        let inspector = SVGInspector(svg)
        #expect(inspector.wellFormed)
        let root = try #require(inspector.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["viewBox"] == "0 0 640 400")
        #expect(root.attributes["width"] == "640")
        #expect(root.attributes["height"] == "400")
        #expect(svg.hasSuffix("</svg>\n"))
        // White background first.
        #expect(inspector.elements[1].name == "rect" && inspector.elements[1].attributes["fill"] == "#ffffff")
        // Title, axis labels and tick labels are all there.
        #expect(inspector.texts.contains(figure.title))
        #expect(inspector.texts.contains(figure.xLabel))
        #expect(inspector.texts.contains(figure.yLabel))
        #expect(inspector.texts.count >= 3 + 4)
        // The y label is rotated.
        let yLabel = try #require(inspector.elements(named: "text").first { $0.text == figure.yLabel })
        #expect(yLabel.attributes["transform"]?.contains("rotate(-90)") == true)
    }

    @Test func textIsEscaped() {
        let title = #"Tom & Jerry <3 "quotes" 'apostrophes' > x"#
        var figure = Figure(title: title, xLabel: "a<b", yLabel: "p & q")
        figure.add(.line(xs: [0, 1], ys: [0, 1], label: "<line>"))
        figure.add(.line(xs: [0, 1], ys: [1, 0], label: "\"quoted\" & more"))
        let svg = figure.svg()
        #expect(svg.contains("Tom &amp; Jerry &lt;3 &quot;quotes&quot; &apos;apostrophes&apos; &gt; x"))
        #expect(!svg.contains("<line>"))
        let inspector = SVGInspector(svg)
        #expect(inspector.wellFormed)
        // The parsed text is the original text.
        #expect(inspector.texts.contains(title))
        #expect(inspector.texts.contains("a<b"))
        #expect(inspector.texts.contains("<line>"))
        #expect(inspector.texts.contains("\"quoted\" & more"))
    }

    @Test func controlCharactersDoNotBreakTheDocument() {
        var figure = Figure(title: "two\nlines\u{1}", xLabel: "x", yLabel: "y")
        figure.add(.line(xs: [0, 1], ys: [0, 1], label: "l"))
        #expect(SVGInspector(figure.svg()).wellFormed)
    }

    @Test(arguments: Fixtures.all)
    func sameDataGivesSameBytes(figure: Figure) {
        let first = figure.svg(width: 500, height: 300)
        let copy = figure
        #expect(Array(first.utf8) == Array(copy.svg(width: 500, height: 300).utf8))
        #expect(first != figure.svg(width: 501, height: 300))
    }

    @Test(arguments: Fixtures.all)
    func numbersHaveAtMostTwoDecimalsAndNoNegativeZero(figure: Figure) {
        #expect(SVGWriter.number(-1e-12) == "0")
        #expect(SVGWriter.number(-0.005) == "-0.01")
        #expect(SVGWriter.number(1e300) == "1000000000")
        for number in numbers(in: figure.svg()) {
            if let point = number.firstIndex(of: ".") {
                #expect(number.distance(from: point, to: number.endIndex) <= 3, "\(number)")
            }
            if number.hasPrefix("-") {
                #expect(number.contains { $0.isNumber && $0 != "0" }, "negative zero: \(number)")
            }
        }
    }

    @Test func nonFiniteValuesAreSkipped() throws {
        var figure = Figure(title: "gaps", xLabel: "x", yLabel: "y")
        figure.add(.line(xs: [0, 1, 2, .nan, 4, 5], ys: [0, 1, 0, 1, .infinity, 2], label: "with gaps"))
        figure.add(.scatter(xs: [0, .nan, 2], ys: [1, 1, -.infinity], label: "points"))
        figure.add(.histogram(edges: [0, 1, .nan, 3], heights: [1, 2, 3], label: "bars"))
        figure.add(.density(xRange: 0...5, yRange: 0...2, values: [[0, .nan], [1, .infinity]], label: "d"))
        let svg = figure.svg()
        #expect(!svg.lowercased().contains("nan"))
        #expect(!svg.lowercased().contains("inf"))
        let inspector = SVGInspector(svg)
        #expect(inspector.wellFormed)
        // The line is broken at the gap: two pieces, (0,0)-(1,1)-(2,0) and (4, inf) dropped, leaving (5, 2) alone.
        let paths = inspector.elements(named: "path").compactMap { $0.attributes["d"] }
        let line = try #require(paths.first { $0.contains("L") })
        #expect(line.filter { $0 == "M" }.count == 1)
        #expect(line.filter { $0 == "L" }.count == 2)
        // One finite point of three.
        let dots = try #require(paths.first { $0.contains("h0") })
        #expect(dots.components(separatedBy: "h0").count - 1 == 1)
        // Two bins have a non-finite edge; one bar remains.
        let bars = inspector.elements.filter { $0.name == "rect" && $0.attributes["fill"] == nil }
        #expect(bars.count == 1)
    }

    @Test func legendListsEverySeriesOnlyWhenThereAreSeveral() {
        let two = SVGInspector(Fixtures.histogramWithCurve.svg())
        #expect(two.texts.contains("samples"))
        #expect(two.texts.contains("f(z; m, s)"))

        var one = Figure(title: "one", xLabel: "x", yLabel: "y")
        one.add(.line(xs: [0, 1], ys: [0, 1], label: "only line"))
        #expect(!SVGInspector(one.svg()).texts.contains("only line"))
        one.showsLegend = true
        #expect(SVGInspector(one.svg()).texts.contains("only line"))

        let scatter = SVGInspector(Fixtures.scatter.svg())
        for label in ["k = 0", "k = 1", "k = 2"] { #expect(scatter.texts.contains(label)) }
    }

    @Test func seriesGetDistinctPaletteColours() {
        let inspector = SVGInspector(Fixtures.lines.svg())
        let strokes = inspector.elements(named: "path").compactMap { element -> String? in
            guard element.attributes["stroke-width"] == "2", let d = element.attributes["d"], d.contains("L") else {
                return nil
            }
            return element.attributes["stroke"]
        }
        #expect(strokes == ["#0072b2", "#e69f00", "#009e73"])
    }

    @Test func scatterDrawsOnePathPerCategoryWithEveryPoint() {
        let inspector = SVGInspector(Fixtures.scatter.svg())
        let dotPaths = inspector.elements(named: "path").compactMap { $0.attributes["d"] }.filter { $0.contains("h0") }
        #expect(dotPaths.count == 3)
        #expect(dotPaths.map { $0.components(separatedBy: "h0").count - 1 }.reduce(0, +) == 90)
    }

    @Test func dataOutsideGivenRangesIsClippedToThePlot() throws {
        var figure = Figure(title: "zoom", xLabel: "x", yLabel: "y", xRange: 1...2, yRange: 0...0.5)
        figure.add(.line(xs: [0, 1, 2, 3], ys: [0, 1, 0, 1], label: "zigzag"))
        figure.add(.histogram(edges: [0, 1, 2, 3], heights: [3, 0.25, 3], label: "bars"))
        let inspector = SVGInspector(figure.svg(width: 400, height: 300))
        let frame = try #require(inspector.elements(named: "rect").first { $0.attributes["stroke"] == "#000000" })
        let left = Double(frame.attributes["x"]!)!, top = Double(frame.attributes["y"]!)!
        let right = left + Double(frame.attributes["width"]!)!, bottom = top + Double(frame.attributes["height"]!)!
        let line = try #require(inspector.elements(named: "path").first { $0.attributes["stroke-width"] == "2" })
        let coordinates = numbers(in: line.attributes["d"]!).map { Double($0)! }
        for (i, value) in coordinates.enumerated() {
            if i % 2 == 0 {
                #expect(value >= left && value <= right)
            } else {
                #expect(value >= top && value <= bottom)
            }
        }
        let bars = inspector.elements.filter { $0.name == "rect" && $0.attributes["fill"] == nil }
        #expect(bars.count == 1)
    }

    @Test func densityHasCellsAndAColourBar() {
        let svg = Fixtures.density.svg()
        let inspector = SVGInspector(svg)
        #expect(inspector.texts.contains("p(x, y)"))
        let cells = inspector.elements(named: "rect").filter { $0.attributes["fill"]?.hasPrefix("#") == true }
        #expect(cells.count > ColorScale.levels)
        // Lowest and highest colours of the scale both appear.
        #expect(svg.contains(ColorScale.color(level: 0)))
        #expect(svg.contains(ColorScale.color(level: ColorScale.levels - 1)))
    }
}
