/// CatNF (Lippe & Gavves 2020): the untruncated logistic, z' = F⁻¹(u₀), then z = g(z', x).
/// It is TRUFL with m = 1/2, s = 1 held fixed; every category's support is all of ℝᴰ, so the hard and
/// soft indicators are the same (there is no edge to soften). CatNF's code scales its logistic base by 1/1.81;
/// here the flow's scale exp(tanh(a)) ∈ [1/e, e] covers that.
public final class CatNFDequantiser: Dequantiser {
    public let categories: Int
    public let dimensions: Int
    public let flow: CategoryScaleShift?

    public init(categories: Int, dimensions: Int, flow: Bool = true, name: String = "catnf") {
        self.categories = categories
        self.dimensions = dimensions
        self.flow = flow ? CategoryScaleShift(categories: categories, dimensions: dimensions, name: name) : nil
    }

    public var parameters: [Parameter] { flow?.parameters ?? [] }

    public func sample(_ x: [Int], noise: Tensor, on tape: Tape) -> DequantisedSample {
        checkCategories(x, op: "CatNF sample")
        let zPrime = tape.constant(noise.logit())
        return applyFlow(flow, zPrime, logisticLogDensity(zPrime).sum(axis: -1), x)
    }

    /// One fused tape node (``LogisticDensities``, without truncation).
    public func logDensities(_ z: Var, indicator: SupportIndicator) -> Var {
        LogisticDensities.evaluate(z, categories: categories, flow: flow, truncation: nil)
    }

    /// ``logDensities(_:indicator:)`` composed from tape ops (the kernel's reference in the tests).
    func logDensitiesComposed(_ z: Var) -> Var {
        let (zPrime, logDet) = inverseAll(flow, z, categories)
        return logisticLogDensity(zPrime).sum(axis: -1) + logDet
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
