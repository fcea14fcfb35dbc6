/// TRUFL and CatNF: the logistic family of dequantisers (Section 3.1, Algorithm 1).
///
/// Both draw z' from a logistic per latent dimension and push it through the category-conditional
/// scale-and-shift flow g (``CategoryScaleShift``). TRUFL truncates the logistic to a learned window per
/// category and dimension (m̃, s̃ of Eq. 5); CatNF is the same construction with m = 1/2, s = 1 held fixed,
/// that is, no truncation: every category's support is all of ℝᴰ.

/// TRUFL: q(z|k) = truncated logistic (Eq. 5–7) per dimension with window (m(k), s(k)), then z = g(z', k).
/// Its support for category k is the box Π_d (F⁻¹(m − s/2), F⁻¹(m + s/2)) mapped through g(·, k).
public final class TRUFLDequantiser: Dequantiser {
    public let categories: Int
    public let dimensions: Int
    /// m̃, `[K, D]`: m = σ(m̃) is the window's centre in CDF units (Eq. 5).
    public let mTilde: Parameter
    /// s̃, `[K, D]`: s = 2·min(m, 1 − m)·σ(s̃) is its width (Eq. 5).
    public let sTilde: Parameter
    /// g, or nil for none.
    public let flow: CategoryScaleShift?

    /// K categories in D dimensions; m̃ = s̃ = 0 (every window (1/4, 3/4)) and an identity flow until set or trained.
    public init(categories: Int, dimensions: Int, flow: Bool = true, name: String = "trufl") {
        self.categories = categories
        self.dimensions = dimensions
        mTilde = Parameter(name: name + ".mTilde", value: .zeros([categories, dimensions]))
        sTilde = Parameter(name: name + ".sTilde", value: .zeros([categories, dimensions]))
        self.flow = flow ? CategoryScaleShift(categories: categories, dimensions: dimensions, name: name) : nil
    }

    public var parameters: [Parameter] { [mTilde, sTilde] + (flow?.parameters ?? []) }

    /// Algorithm 1, encoding: u₀ → u (Eq. 6) → z' = F⁻¹(u) → z = g(z', x);
    /// log q(z|x) = log f(z'; m, s) (Eq. 7) − log|det ∂z/∂z'|.
    public func sample(_ x: [Int], noise: Tensor, on tape: Tape) -> DequantisedSample {
        checkCategories(x, op: "TRUFL sample")
        let (zPrime, logF) = Truncation.sample(mTilde: tape[mTilde], sTilde: tape[sTilde], categories: x, noise: noise)
        return applyFlow(flow, zPrime, logF, x)
    }

    /// Algorithm 1's loop: z'' = g⁻¹(z, k), log q(z|k) = log f(z''; m(k), s(k)) + log|det ∂z''/∂z|, with
    /// −∞ where some z''_d lies outside (F⁻¹(m − s/2), F⁻¹(m + s/2)). Membership is tested in z against
    /// ends computed in double precision with exact complements (chapter 01), not in CDF units.
    /// One fused tape node (``LogisticDensities``); ``logDensitiesComposed(_:indicator:)`` is the same
    /// computation written with tape ops, kept as the reference the kernel is tested against.
    public func logDensities(_ z: Var, indicator: SupportIndicator) -> Var {
        let tape = z.tape
        return LogisticDensities.evaluate(z, categories: categories, flow: flow, truncation:
            .init(mTilde: tape[mTilde], sTilde: tape[sTilde], indicator: indicator))
    }

    /// ``logDensities(_:indicator:)`` composed from tape ops, `[N, K, D]` intermediates and all.
    func logDensitiesComposed(_ z: Var, indicator: SupportIndicator) -> Var {
        let tape = z.tape
        let (zPrime, logDet) = inverseAll(flow, z, categories)
        let m = tape[mTilde], s = tape[sTilde]
        let inside = Truncation.logDensityInside(zPrime, mTilde: m, sTilde: s).sum(axis: -1) + logDet
        switch indicator {
        case .soft(let temperature):
            return inside + Truncation.logSoftIndicator(zPrime, mTilde: m, sTilde: s, temperature: temperature)
        case .hard:
            return select(membership(zPrime.value), inside, -Float.infinity)
        }
    }

    /// The support of category k in dimension d before the flow, (F⁻¹(m − s/2), F⁻¹(m + s/2)): `[K][D]`.
    public func baseSupports() -> [[(lower: Double, upper: Double)]] {
        let ends = Truncation.supportEnds(mTilde: mTilde.value, sTilde: sTilde.value)
        return (0..<categories).map { k in Array(ends[(k * dimensions)..<((k + 1) * dimensions)]) }
    }

    /// Whether each z''[n, k, :] lies in category k's box: `[N, K, D]` → mask `[N, K]`.
    func membership(_ zPrime: Tensor) -> Mask {
        let ends = Truncation.supportEnds(mTilde: mTilde.value, sTilde: sTilde.value)
        let n = zPrime.shape[0], k = categories, d = dimensions
        var inside = [Bool](repeating: true, count: n * k)
        for i in 0..<n {
            for j in 0..<k {
                for e in 0..<d {
                    let v = Double(zPrime.scalars[(i * k + j) * d + e]), end = ends[j * d + e]
                    if !(v >= end.lower && v <= end.upper) { inside[i * k + j] = false; break }
                }
            }
        }
        return Mask(shape: [n, k], values: inside)
    }
}

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
