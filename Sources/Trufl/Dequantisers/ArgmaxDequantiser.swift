import Foundation

/// Argmax flows (Hoogeboom et al. 2021), in the two forms the paper compares (Figure 1).
///
/// Both start like the other dequantisers: v' ~ standard logistic per dimension (v' = F⁻¹(u₀)), then the
/// category-conditional scale and shift v = g(v', x). A bijection that depends on x then moves v into x's
/// region, and its log-determinant enters log q:
///
/// - **threshold** (D = K): z_x = v_x and z_j = T − softplus(T − v_j) for j ≠ x, with T = v_x. So z_j < T:
///   the argmax of z is x. The Jacobian is triangular with diagonal 1 and σ(T − v_j), so
///   log q(z|x) = log q(v|x) − Σ_{j≠x} log σ(T − v_j). Inverting for any k (needed by Eq. 2): if argmax z = k,
///   v_k = z_k and T − v_j = log(expm1(z_k − z_j)), and log σ(T − v_j) = log(1 − e^{−(z_k − z_j)}).
/// - **binary** (D = ⌈log₂ K⌉): bit d of k's binary code picks the sign of z_d, z_d = ±softplus(v_d), so the
///   sign pattern of z is x's code. log q(z|x) = log q(v|x) − Σ_d log σ(v_d); the inverse is
///   v_d = log(expm1(|z_d|)). The 2^D − K codes of no category are orthants of no support.
///
/// Supports are disjoint, so the decoder of Eq. 2 is deterministic. The density is undefined outside the
/// support (the inverse needs z_k > z_j, or the right signs), so the soft indicator does not apply: log q(z|k)
/// is −∞ there whatever the ``SupportIndicator``.
public final class ArgmaxDequantiser: Dequantiser {
    public enum Encoding: Sendable { case threshold, binary }

    public let encoding: Encoding
    public let categories: Int
    public let dimensions: Int
    /// g on the base draw v, or nil for none.
    public let flow: CategoryScaleShift?
    /// Whether the binary decoder evaluates the base density of every category with the fused kernel
    /// (``LogisticDensities``: `[N, K]` out, nothing `[N, K, D]`) instead of composed tape ops. The two agree to float
    /// rounding (the unit tests hold them together, values and gradients), not bit for bit; the composed form stays
    /// the default because chapters 05 and 07 were blessed with it, and the fused one is what K = 10,000 (Table 4)
    /// needs, where each composed `[N, K, D]` intermediate of a batch of 512 tokens is 287 MB.
    public let fusedDensities: Bool

    public init(categories: Int, encoding: Encoding, flow: Bool = true, fusedDensities: Bool = false, name: String = "argmax") {
        guard categories >= 2 else { fatalError("ArgmaxDequantiser needs at least 2 categories, got \(categories)") }
        self.encoding = encoding
        self.categories = categories
        switch encoding {
        case .threshold: dimensions = categories
        case .binary: dimensions = Int(Foundation.log2(Double(categories)).rounded(.up))
        }
        self.flow = flow ? CategoryScaleShift(categories: categories, dimensions: dimensions, name: name) : nil
        guard !fusedDensities || encoding == .binary else {
            fatalError("ArgmaxDequantiser: fused densities are for the binary encoding (the threshold one inverts per category)")
        }
        self.fusedDensities = fusedDensities
    }

    public var parameters: [Parameter] { flow?.parameters ?? [] }

    /// Whether bit d of k's binary code is 1 (then z_d > 0).
    public func codeBit(_ k: Int, _ d: Int) -> Bool { (k >> d) & 1 == 1 }

    public func sample(_ x: [Int], noise: Tensor, on tape: Tape) -> DequantisedSample {
        checkCategories(x, op: "Argmax sample")
        let vPrime = tape.constant(noise.logit())
        let base = applyFlow(flow, vPrime, logisticLogDensity(vPrime).sum(axis: -1), x)
        switch encoding {
        case .threshold: return thresholdSample(base, x)
        case .binary: return binarySample(base, x)
        }
    }

    public func logDensities(_ z: Var, indicator: SupportIndicator) -> Var {
        guard z.shape.rank == 2, z.shape[1] == dimensions else {
            fatalError("Argmax logDensities: z must be [N, \(dimensions)], got \(z.shape)")
        }
        switch encoding {
        case .threshold: return thresholdLogDensities(z)
        case .binary: return binaryLogDensities(z)
        }
    }

    // MARK: threshold

    func thresholdSample(_ base: DequantisedSample, _ x: [Int]) -> DequantisedSample {
        let tape = base.z.tape
        let v = base.z, n = x.count, k = categories
        let t = v.gather(lastAxis: x).reshaped([n, 1])
        let gap = t - v                                          // T − v_j
        var others = t - gap.softplus()                          // z_j = T − softplus(T − v_j)
        let own = Mask(shape: [n, k], values: (0..<(n * k)).map { x[$0 / k] == $0 % k })
        // In single precision T − softplus(T − v_j) rounds to T when softplus is below half an ulp of T;
        // a tie would put z on the boundary, so such entries are moved to the next float below T.
        let tv = t.value, ov = others.value
        var tie = [Bool](repeating: false, count: n * k)
        var below = [Float](repeating: 0, count: n * k)
        for i in 0..<(n * k) where !own.values[i] && ov.scalars[i] >= tv.scalars[i / k] {
            tie[i] = true
            below[i] = tv.scalars[i / k].nextDown
        }
        if tie.contains(true) {
            others = select(Mask(shape: [n, k], values: tie), tape.constant(Tensor(shape: [n, k], scalars: below)), others)
        }
        let z = select(own, t, others)
        let logDet = select(own, 0, gap.logSigmoid()).sum(axis: -1)   // Σ_{j≠x} log σ(T − v_j)
        return DequantisedSample(z: z, logDensity: base.logDensity - logDet)
    }

    func thresholdLogDensities(_ z: Var) -> Var {
        let n = z.shape[0], k = categories
        let zk = z.reshaped([n, k, 1])
        let y = zk - z.reshaped([n, 1, k])                       // y[n, k, j] = z_k − z_j
        let diagonal = Mask(shape: [1, k, k], values: (0..<(k * k)).map { $0 / k == $0 % k })
        let bad = diagonal .| (y.value .<= 0)
        var valid = [Bool](repeating: true, count: n * k)
        for i in 0..<(n * k) {
            for j in 0..<k where j != i % k && bad.values[i * k + j] { valid[i] = false; break }
        }
        let ySafe = select(bad, 1, y)
        let logSig = (-((-ySafe).expMinusOne())).log()          // log σ(T − v_j) = log(1 − e^{−y})
        let v = select(diagonal, zk.broadcast(to: [n, k, k]), zk - (ySafe + logSig))   // v_j = T − log expm1(y)
        let logBase = baseLogDensities(v)
        let logDet = select(diagonal, 0, logSig).sum(axis: -1)
        return select(Mask(shape: [n, k], values: valid), logBase - logDet, -Float.infinity)
    }

    // MARK: binary

    func binarySample(_ base: DequantisedSample, _ x: [Int]) -> DequantisedSample {
        let tape = base.z.tape
        let v = base.z, n = x.count, d = dimensions
        let signs = Tensor(shape: [n, d], scalars: (0..<(n * d)).map { codeBit(x[$0 / d], $0 % d) ? 1 : -1 })
        var magnitude = v.softplus()
        // softplus underflows to 0 below v ≈ −104 (probability e^−104 under the logistic); keep z off the boundary.
        let zero = magnitude.value .<= 0
        if zero.trueCount > 0 {
            magnitude = select(zero, tape.constant(Float.leastNonzeroMagnitude), magnitude)
        }
        let z = magnitude * signs
        return DequantisedSample(z: z, logDensity: base.logDensity - v.logSigmoid().sum(axis: -1))
    }

    func binaryLogDensities(_ z: Var) -> Var {
        let n = z.shape[0], k = categories, d = dimensions
        let magnitude = z.abs()
        let zero = magnitude.value .<= 0
        let safe = select(zero, 1, magnitude)
        let logSig = (-((-safe).expMinusOne())).log()           // log σ(v_d) = log(1 − e^{−|z_d|})
        let v = safe + logSig                                    // v_d = log expm1(|z_d|)
        let logBase = fusedDensities                             // [N, K]
            ? LogisticDensities.evaluate(v, categories: k, flow: flow, truncation: nil)
            : baseLogDensities(v)
        let logDet = logSig.sum(axis: -1, keepDims: true)        // [N, 1]
        var valid = [Bool](repeating: true, count: n * k)
        let zv = z.value
        for i in 0..<n {
            for c in 0..<k {
                for e in 0..<d {
                    let value = zv.scalars[i * d + e]
                    if !(codeBit(c, e) ? value > 0 : value < 0) { valid[i * k + c] = false; break }
                }
            }
        }
        return select(Mask(shape: [n, k], values: valid), logBase - logDet, -Float.infinity)
    }

    /// log q(v|k) of the base draw for every k: v `[N, D]` or `[N, K, D]` → `[N, K]` (through g⁻¹(·, k)).
    func baseLogDensities(_ v: Var) -> Var {
        let input = v.shape.rank == 3 ? v : v.reshaped([v.shape[0], 1, v.shape[1]])
        if let flow {
            let (vPrime, logDet) = flow.inverseForEveryCategory(input)
            return logisticLogDensity(vPrime).sum(axis: -1) + logDet
        }
        return logisticLogDensity(input.broadcast(to: [v.shape[0], categories, dimensions])).sum(axis: -1)
    }
}
