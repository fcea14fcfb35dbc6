/// Numerical integration for checking densities and moments.
public enum Quadrature {
    // Five-point Gauss–Legendre on [−1, 1]: exact for polynomials of degree 9.
    static let nodes: [Double] = [-0.906_179_845_938_664_0, -0.538_469_310_105_683_1, 0,
                                  0.538_469_310_105_683_1, 0.906_179_845_938_664_0]
    static let weights: [Double] = [0.236_926_885_056_189_1, 0.478_628_670_499_366_5, 0.568_888_888_888_888_9,
                                    0.478_628_670_499_366_5, 0.236_926_885_056_189_1]

    /// ∫ₐᵇ f(z) dz by composite five-point Gauss–Legendre over `panels` equal panels.
    ///
    /// The rule is open: it never evaluates f at a or b. That matters here, because a truncated density
    /// jumps at its support's ends (and is 0 exactly at an open end), where a closed rule such as
    /// Simpson's would weigh the wrong value.
    public static func integrate(from a: Double, to b: Double, panels: Int = 20_000, _ f: (Double) -> Double) -> Double {
        guard a.isFinite, b.isFinite else {
            fatalError("Quadrature.integrate needs finite limits, got [\(a), \(b)]: cut infinite tails where the integrand is negligible")
        }
        guard b > a, panels > 0 else { return 0 }
        let width = (b - a) / Double(panels)
        var total = 0.0
        for panel in 0..<panels {
            let centre = a + (Double(panel) + 0.5) * width
            var sum = 0.0
            for j in 0..<5 { sum += weights[j] * f(centre + 0.5 * width * nodes[j]) }
            total += 0.5 * width * sum
        }
        return total
    }
}
