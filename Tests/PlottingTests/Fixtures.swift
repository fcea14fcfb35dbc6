@testable import Plotting

/// Figures shared by the tests.
enum Fixtures {
    /// A histogram of a standard logistic-like shape with the analytic curve over it.
    static var histogramWithCurve: Figure {
        var figure = Figure(title: "Truncated logistic, m = 0.3, s = 0.4", xLabel: "z", yLabel: "density")
        let edges = (0...20).map { -1 + 0.15 * Double($0) }
        let heights = (0..<20).map { i -> Double in
            let z = -1 + 0.15 * (Double(i) + 0.5)
            return 1 / (1 + (z - 0.3) * (z - 0.3) * 4)
        }
        figure.add(.histogram(edges: edges, heights: heights, label: "samples"))
        let xs = (0...100).map { -1 + 0.03 * Double($0) }
        figure.add(.line(xs: xs, ys: xs.map { 1 / (1 + ($0 - 0.3) * ($0 - 0.3) * 4) }, label: "f(z; m, s)"))
        return figure
    }

    /// Three labelled lines.
    static var lines: Figure {
        var figure = Figure(title: "Loss", xLabel: "step", yLabel: "loss")
        for (k, name) in ["adam", "sgd", "rmsprop"].enumerated() {
            let xs = (0..<50).map { Double($0) * 20 }
            figure.add(.line(xs: xs, ys: xs.map { 3 / (1 + $0 / Double(100 + 150 * k)) }, label: name))
        }
        return figure
    }

    /// Points in three categories.
    static var scatter: Figure {
        var xs: [Double] = [], ys: [Double] = [], categories: [Int] = []
        for i in 0..<90 {
            let k = i % 3
            let angle = Double(i) * 0.7
            xs.append(Double(k) * 3 + (angle.truncatingRemainder(dividingBy: 2) - 1))
            ys.append(Double(k % 2) * 2 + (Double(i % 7) / 7 - 0.5))
            categories.append(k)
        }
        var figure = Figure(title: "Clusters", xLabel: "x1", yLabel: "x2")
        figure.add(.scatter(xs: xs, ys: ys, categories: categories, labels: ["k = 0", "k = 1", "k = 2"]))
        return figure
    }

    /// A Gaussian bump on a 30 × 40 grid.
    static var density: Figure {
        let values = (0..<30).map { r in
            (0..<40).map { c -> Double in
                let x = -2 + 4 * (Double(c) + 0.5) / 40, y = -1.5 + 3 * (Double(r) + 0.5) / 30
                return 1 / (1 + x * x + 2 * y * y)
            }
        }
        var figure = Figure(title: "Bump", xLabel: "x", yLabel: "y")
        figure.add(.density(xRange: -2...2, yRange: -1.5...1.5, values: values, label: "p(x, y)"))
        return figure
    }

    static var all: [Figure] { [histogramWithCurve, lines, scatter, density] }
}
