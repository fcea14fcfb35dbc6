/// # Dequantisers
///
/// A dequantiser q(z|x) embeds a category x ∈ {0 … K−1} as a continuous latent z ∈ ℝᴰ; the quantiser
/// p(x|z) maps it back (Section 2). Every dequantiser here is built the same way: a base draw from per-category
/// parameters, pushed through a category-conditional flow, with a density that can be evaluated for *every*
/// category k at any z (Algorithm 1's loop), because the optimal decoder of Eq. 2 needs all of them.
///
/// Shapes: the protocol works on N flattened positions (x is `[Int]` of length N, z is `[N, D]`);
/// ``CategoryBatch`` and the objectives reshape `[B]` or `[B, T]` batches to and from that form.
///
/// Training a dequantiser with a prior (Eq. 3; `prior` is any ``Prior``, its parameters trained alongside):
/// ```swift
/// let q = TRUFLDequantiser(categories: K, dimensions: D)
/// let marginal = EmpiricalMarginal(counting: trainingCategories, categories: K)
/// let optimiser = Adam(q.parameters + priorParameters, learningRate: 1e-3)
/// for step in 0..<steps {
///     let tape = Tape()
///     let terms = evidenceLowerBound(batch, dequantiser: q, prior: prior, marginal: marginal, on: tape,
///                                    indicator: .soft(temperature: 0.02), using: &random)
///     terms.loss(reconstructionWeight: beta(step)).backward()
///     optimiser.step()
///     (q.parameters + priorParameters).zeroGradients()
/// }
/// ```
/// The soft indicator gives the reconstruction a gradient at the supports' edges, which the hard one lacks
/// (chapter 02); evaluate with `.hard` and ``importanceSampledLogLikelihood(_:dequantiser:prior:marginal:samples:using:)``.
///
/// −∞ safety: a z outside category k's support has log q(z|k) = −∞ exactly, produced with ``select(_:_:_:)``
/// so that neither the forward nor the backward pass ever sees NaN, and such entries get exactly zero gradient.
public protocol Dequantiser: AnyObject {
    /// K, the number of categories.
    var categories: Int { get }
    /// D, the latent dimensions per position.
    var dimensions: Int { get }
    /// The trainable parameters (per-category truncations and flows).
    var parameters: [Parameter] { get }

    /// A reparameterised draw z ~ q(z|x) for each of the N categories in `x`, driven by `noise`: uniform
    /// draws u₀ ∈ (0, 1) of shape `[N, D]` (pass the same noise twice for common random numbers).
    /// Returns z `[N, D]` and log q(z|x) `[N]`, both differentiable on `tape`.
    func sample(_ x: [Int], noise: Tensor, on tape: Tape) -> DequantisedSample

    /// log q(z|k) for every category k (Algorithm 1's loop, which needs g⁻¹(z, k) for each k):
    /// z `[N, D]` → `[N, K]`, −∞ where z is outside k's support. With a ``SupportIndicator/soft(temperature:)``
    /// indicator the support's hard edge is replaced by a smooth one, for training only (dequantisers whose
    /// density is undefined outside the support ignore it; see each type).
    func logDensities(_ z: Var, indicator: SupportIndicator) -> Var
}

/// A draw from a dequantiser: z `[N, D]` and its log density under the category it was drawn for, `[N]`.
public struct DequantisedSample {
    public let z: Var
    public let logDensity: Var
    public init(z: Var, logDensity: Var) {
        self.z = z
        self.logDensity = logDensity
    }
}

/// How the decoder tests whether z lies in a category's support.
public enum SupportIndicator: Sendable, Equatable, Codable {
    /// The exact indicator: log q(z|k) = −∞ outside the support. For evaluation and sampling.
    case hard
    /// For training TRUFL: each category's indicator becomes Π_d σ(margin_d / τ) with
    /// margin_d = s/2 − |σ(z''_d) − m| in CDF units, so a neighbour's support edge receives a gradient.
    /// τ → 0 recovers the hard indicator.
    case soft(temperature: Float)
}

extension Dequantiser {
    /// ``sample(_:noise:on:)`` with u₀ drawn from `random`.
    public func sample(_ x: [Int], on tape: Tape, using random: inout RandomSource) -> DequantisedSample {
        sample(x, noise: Tensor.uniform([x.count, dimensions], using: &random), on: tape)
    }

    /// The decoder's categories: the most probable k under Eq. 2 for each row of z `[N, D]`
    /// (−1 where z lies in no category's support).
    public func decode(_ z: Tensor, marginal: EmpiricalMarginal) -> [Int] {
        let tape = Tape()
        let logPosterior = self.logPosterior(tape.constant(z), marginal: marginal).value
        let k = categories
        return (0..<z.shape[0]).map { n in
            var best = -1
            var bestValue = -Float.infinity
            for j in 0..<k where logPosterior[n, j] > bestValue {
                best = j
                bestValue = logPosterior[n, j]
            }
            return best
        }
    }

    func checkCategories(_ x: [Int], op: String) {
        for c in x where c < 0 || c >= categories {
            fatalError("\(op): category \(c) is outside 0..<\(categories)")
        }
    }
}

/// A batch of categories of shape `[B]` or `[B, T]`, stored flat in row-major order.
public struct CategoryBatch: Sendable, Equatable {
    /// The categories, row-major.
    public let values: [Int]
    /// `[B]` or `[B, T]`.
    public let shape: Shape

    public init(_ values: [Int], shape: Shape) {
        guard shape.rank == 1 || shape.rank == 2, shape.elementCount == values.count else {
            fatalError("CategoryBatch: shape \(shape) must be [B] or [B, T] and hold \(values.count) values")
        }
        self.values = values
        self.shape = shape
    }

    /// A `[B]` batch.
    public init(_ values: [Int]) { self.init(values, shape: [values.count]) }

    /// A `[B, T]` batch from rows of equal length.
    public init(rows: [[Int]]) {
        self.init(rows.flatMap { $0 }, shape: [rows.count, rows.first?.count ?? 0])
    }

    /// B.
    public var batchSize: Int { shape[0] }
    /// The positions per example (T, or 1 for a `[B]` batch).
    public var length: Int { shape.rank == 2 ? shape[1] : 1 }
}
