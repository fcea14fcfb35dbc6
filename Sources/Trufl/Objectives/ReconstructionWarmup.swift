import Foundation

/// CatNF's warm-up of the ELBO's reconstruction term: the weight β = 1 + 2^(−step / halfLife), 2 at the first step,
/// decaying to 1. The graph-colouring, character and molecule models all train with it.
public func reconstructionWarmupWeight(step: Int, halfLife: Double) -> Float {
    Float(1 + Foundation.pow(2, -Double(step) / halfLife))
}
