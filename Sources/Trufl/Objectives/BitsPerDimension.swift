import Foundation

/// Bits per dimension: a negative log-likelihood in nats per example, divided by the number of discrete
/// variables per example and by ln 2 (the unit the paper's Table 1 and Table 3 report).
public func bitsPerDimension(negativeLogLikelihood nats: Double, dimensions: Int) -> Double {
    guard dimensions > 0 else { fatalError("bitsPerDimension: dimensions must be positive") }
    return nats / (Double(dimensions) * Foundation.log(2.0))
}

/// Bits per dimension of a set of log-likelihood estimates (nats per example): −mean / (dimensions · ln 2).
public func bitsPerDimension(logLikelihoods: [Double], dimensions: Int) -> Double {
    guard !logLikelihoods.isEmpty else { fatalError("bitsPerDimension: no estimates") }
    return bitsPerDimension(negativeLogLikelihood: -logLikelihoods.reduce(0, +) / Double(logLikelihoods.count),
                            dimensions: dimensions)
}
