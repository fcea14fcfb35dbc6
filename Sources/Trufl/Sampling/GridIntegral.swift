/// ∫∫ p(z)·w(z) dz over a rectangle for a 2-D prior, by tensor-product five-point Gauss–Legendre (the
/// open rule of `Quadrature.integrate`), evaluating the prior in batches. With w = 1 it checks that a
/// prior is normalised; with w the support indicator it gives Eq. 9's Z to compare with the acceptance
/// frequency.
public enum GridIntegral {
    public static func integrate(_ prior: any Prior, x: ClosedRange<Double>, y: ClosedRange<Double>, panels: Int = 40,
                                 weight: (Double, Double) -> Double = { _, _ in 1 }) -> Double {
        guard prior.dimension == 2 else { fatalError("GridIntegral needs a 2-D prior, got dimension \(prior.dimension)") }
        let nodes = Quadrature.nodes, weights = Quadrature.weights
        func points(_ range: ClosedRange<Double>) -> [(Double, Double)] {
            let width = (range.upperBound - range.lowerBound) / Double(panels)
            var result: [(Double, Double)] = []
            for panel in 0..<panels {
                let centre = range.lowerBound + (Double(panel) + 0.5) * width
                for j in 0..<5 { result.append((centre + 0.5 * width * nodes[j], 0.5 * width * weights[j])) }
            }
            return result
        }
        let xs = points(x), ys = points(y)
        var total = 0.0
        for (yValue, yWeight) in ys {
            var row = Tensor.zeros([xs.count, 2])
            for (i, (xValue, _)) in xs.enumerated() {
                row.scalars[2 * i] = Float(xValue)
                row.scalars[2 * i + 1] = Float(yValue)
            }
            let logDensity = prior.logDensity(Tape().constant(row)).value
            for (i, (xValue, xWeight)) in xs.enumerated() {
                let w = weight(xValue, yValue)
                if w != 0 { total += xWeight * yWeight * w * Double.exp(Double(logDensity.scalars[i])) }
            }
        }
        return total
    }
}
