import Foundation

/// The one-sample Kolmogorov–Smirnov test: how far an empirical CDF strays from an analytic one.
public enum KolmogorovSmirnov {
    /// D = sup_z |F_n(z) − F(z)| for the samples against `cdf`.
    public static func distance(_ samples: [Double], cdf: (Double) -> Double) -> Double {
        let sorted = samples.sorted()
        let n = Double(sorted.count)
        var largest = 0.0
        for (i, z) in sorted.enumerated() {
            let value = cdf(z)
            largest = max(largest, Double(i + 1) / n - value, value - Double(i) / n)
        }
        return largest
    }

    /// The asymptotic critical value of D at level `alpha` for n samples: √(−ln(α/2)/2) / √n
    /// (the Kolmogorov distribution's tail, accurate for n in the thousands); 1.628/√n at α = 0.01.
    public static func criticalValue(samples n: Int, alpha: Double = 0.01) -> Double {
        (-Foundation.log(alpha / 2) / 2).squareRoot() / Double(n).squareRoot()
    }
}
