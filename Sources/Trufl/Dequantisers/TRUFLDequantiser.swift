/// TRUFL, and CatNF beside it (`CatNFDequantiser.swift`): the logistic family of dequantisers (Section 3.1, Algorithm 1).
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

    /// The start the sequence and molecule models take (chapters 07 to 09): windows at random centres, m̃ ~ N(0, 1),
    /// all of one width s̃ = `width`, so that the K boxes start apart (a start symmetric in the categories gives every
    /// category the same gradient); the flow is the identity.
    public static func randomCentres(categories: Int, dimensions: Int, width: Float, name: String = "trufl",
                                     using random: inout RandomSource) -> TRUFLDequantiser {
        let q = TRUFLDequantiser(categories: categories, dimensions: dimensions, name: name)
        q.mTilde.value = Tensor.normal([categories, dimensions], using: &random)
        q.sTilde.value = Tensor(shape: [categories, dimensions], repeating: width)
        return q
    }

    public var parameters: [Parameter] { [mTilde, sTilde] + (flow?.parameters ?? []) }

    /// Algorithm 1, encoding: u₀ → u (Eq. 6) → z' = F⁻¹(u) → z = g(z', x);
    /// log q(z|x) = log f(z'; m, s) (Eq. 7) − log|det ∂z/∂z'|.
    public func sample(_ x: [Int], noise: Tensor, on tape: Tape) -> DequantisedSample {
        checkCategories(x, op: "TRUFL sample")
        let (zPrime, logF) = TruncatedLogisticSampler.sample(mTilde: tape[mTilde], sTilde: tape[sTilde], categories: x, noise: noise)
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
        let inside = TruncatedLogisticSampler.logDensityInside(zPrime, mTilde: m, sTilde: s).sum(axis: -1) + logDet
        switch indicator {
        case .soft(let temperature):
            return inside + TruncatedLogisticSampler.logSoftIndicator(zPrime, mTilde: m, sTilde: s, temperature: temperature)
        case .hard:
            return select(membership(zPrime.value), inside, -Float.infinity)
        }
    }

    /// log q(z|k) for every k with the truncation's indicator left out: σ(z'')σ(−z'')/s·|det ∂z''/∂z|, finite at every
    /// z. The densities Eq. 2 decodes with when the paper samples without rejection (Section 3.2: "ignores the
    /// truncation of the densities"), so that a z in no support still gets a category.
    public func logDensitiesIgnoringTruncation(_ z: Var) -> Var {
        let tape = z.tape
        let (zPrime, logDet) = inverseAll(flow, z, categories)
        return TruncatedLogisticSampler.logDensityInside(zPrime, mTilde: tape[mTilde], sTilde: tape[sTilde]).sum(axis: -1)
            + logDet
    }

    /// The support of category k in dimension d before the flow, (F⁻¹(m − s/2), F⁻¹(m + s/2)): `[K][D]`.
    public func baseSupports() -> [[(lower: Double, upper: Double)]] {
        let ends = TruncatedLogisticSampler.supportEnds(mTilde: mTilde.value, sTilde: sTilde.value)
        return (0..<categories).map { k in Array(ends[(k * dimensions)..<((k + 1) * dimensions)]) }
    }

    /// Whether each z''[n, k, :] lies in category k's box: `[N, K, D]` → mask `[N, K]`.
    func membership(_ zPrime: Tensor) -> Mask {
        let ends = TruncatedLogisticSampler.supportEnds(mTilde: mTilde.value, sTilde: sTilde.value)
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
