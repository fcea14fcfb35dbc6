import Foundation

/// CatNF (Lippe & Gavves 2020): the untruncated logistic, z' = σ_base·F⁻¹(u₀), then z = g(z', x).
/// With σ_base = 1 it is TRUFL with m = 1/2, s = 1 held fixed; every category's support is all of ℝᴰ, so the hard
/// and soft indicators are the same (there is no edge to soften).
///
/// The base scale: CatNF's code draws its logistic with scale 1/1.81 (so that its standard deviation is about 1,
/// ``catNFBaseScale``), under the same flow whose scale exp(tanh(a)) lies in [1/e, e]: its narrowest category is
/// 1/(1.81·e) ≈ 0.20 wide, where σ_base = 1 (the default, every chapter before Table 1 at scale) stops at 1/e ≈ 0.37.
public final class CatNFDequantiser: Dequantiser {
    public let categories: Int
    public let dimensions: Int
    public let flow: CategoryScaleShift?
    /// σ_base, the scale of the logistic the flow starts from.
    public let baseScale: Float

    /// CatNF's code's base scale, 1/1.81.
    public static let catNFBaseScale: Float = 1 / 1.81

    public init(categories: Int, dimensions: Int, flow: Bool = true, baseScale: Float = 1, name: String = "catnf") {
        guard baseScale > 0, baseScale.isFinite else { fatalError("CatNFDequantiser: base scale \(baseScale) must be positive") }
        self.categories = categories
        self.dimensions = dimensions
        self.baseScale = baseScale
        self.flow = flow ? CategoryScaleShift(categories: categories, dimensions: dimensions, name: name) : nil
    }

    public var parameters: [Parameter] { flow?.parameters ?? [] }

    public func sample(_ x: [Int], noise: Tensor, on tape: Tape) -> DequantisedSample {
        checkCategories(x, op: "CatNF sample")
        let standard = tape.constant(noise.logit())
        guard baseScale != 1 else { return applyFlow(flow, standard, logisticLogDensity(standard).sum(axis: -1), x) }
        // z' = σ ε, log f(z') = log f(ε) − D log σ.
        let logBase = logisticLogDensity(standard).sum(axis: -1) - Float(dimensions) * Foundation.log(baseScale)
        return applyFlow(flow, standard * baseScale, logBase, x)
    }

    /// One fused tape node (``LogisticDensities``, without truncation).
    public func logDensities(_ z: Var, indicator: SupportIndicator) -> Var {
        LogisticDensities.evaluate(z, categories: categories, flow: flow, truncation: nil, baseScale: baseScale)
    }

    /// ``logDensities(_:indicator:)`` composed from tape ops (the kernel's reference in the tests).
    func logDensitiesComposed(_ z: Var) -> Var {
        let (zPrime, logDet) = inverseAll(flow, z, categories)
        guard baseScale != 1 else { return logisticLogDensity(zPrime).sum(axis: -1) + logDet }
        return logisticLogDensity(zPrime * (1 / baseScale)).sum(axis: -1) + logDet
            - Float(dimensions) * Foundation.log(baseScale)
    }
}

/// log σ(z) + log σ(−z), the standard logistic's log density, elementwise.
func logisticLogDensity(_ z: Var) -> Var { z.logSigmoid() + (-z).logSigmoid() }

/// z = g(z', x) and log q(z|x) = log q(z'|x) − log|det ∂z/∂z'| (or z' itself without a flow).
func applyFlow(_ flow: CategoryScaleShift?, _ zPrime: Var, _ logBase: Var, _ x: [Int]) -> DequantisedSample {
    guard let flow else { return DequantisedSample(z: zPrime, logDensity: logBase) }
    let (z, logDet) = flow.forward(zPrime, categories: x)
    return DequantisedSample(z: z, logDensity: logBase - logDet)
}

/// g⁻¹(z, k) for every k, `[N, K, D]`, and log|det ∂z''/∂z| per k, `[K]` (identity without a flow).
func inverseAll(_ flow: CategoryScaleShift?, _ z: Var, _ categories: Int) -> (Var, Var) {
    guard z.shape.rank == 2 else { fatalError("logDensities: z must be [N, D], got \(z.shape)") }
    if let flow { return flow.inverseForEveryCategory(z) }
    let n = z.shape[0], d = z.shape[1]
    return (z.reshaped([n, 1, d]).broadcast(to: [n, categories, d]), z.tape.constant(Tensor.zeros([categories])))
}
