/// The category-conditional flow g on top of a dequantiser's base draw (Section 3.1, "a category conditional
/// scale and shift"), in CatNF's form: per category k and latent dimension d,
///
///     z_d = (z'_d + b_kd) · exp(tanh(a_kd)),     g⁻¹(z, k)_d = z_d · exp(−tanh(a_kd)) − b_kd,
///
/// so the scale stays in [1/e, e] and log|det ∂z/∂z'| = Σ_d tanh(a_kd). Decoding inverts it for every k at once.
public final class CategoryScaleShift {
    /// b, `[K, D]`.
    public let shift: Parameter
    /// a, `[K, D]` (the scale is exp(tanh(a))).
    public let logScale: Parameter

    /// The identity flow (a = b = 0) for K categories in D dimensions; `name` prefixes the parameters' names.
    public init(categories: Int, dimensions: Int, name: String) {
        shift = Parameter(name: name + ".flow.shift", value: .zeros([categories, dimensions]))
        logScale = Parameter(name: name + ".flow.logScale", value: .zeros([categories, dimensions]))
    }

    public var parameters: [Parameter] { [shift, logScale] }

    /// Shifts drawn from N(0, scale²): a start that is not symmetric in the categories (a symmetric one gives every
    /// category the same gradient). The toy's and the character models' CatNF and Argmax flows start so.
    public func drawShifts(scale: Float = 0.5, using random: inout RandomSource) {
        shift.value = Tensor.normal(shift.value.shape, scale: scale, using: &random)
    }

    /// z = g(z', x) for N rows `[N, D]` with categories `x`; returns z and log|det ∂z/∂z'| `[N]`.
    public func forward(_ zPrime: Var, categories x: [Int]) -> (z: Var, logDeterminant: Var) {
        let tape = zPrime.tape
        let a = tape[logScale].gather(rows: x).tanh()
        let b = tape[shift].gather(rows: x)
        return ((zPrime + b) * a.exp(), a.sum(axis: -1))
    }

    /// z'' = g⁻¹(z, k) for every k: z `[N, D]` → `[N, K, D]` (or, when each category has its own input,
    /// z `[N, K, D]` → `[N, K, D]`), and log|det ∂z''/∂z| for each k, `[K]`.
    public func inverseForEveryCategory(_ z: Var) -> (zPrime: Var, logDeterminant: Var) {
        let tape = z.tape
        let a = tape[logScale].tanh()                                   // [K, D]
        let input: Var
        switch z.shape.rank {
        case 2: input = z.reshaped([z.shape[0], 1, z.shape[1]])
        case 3: input = z
        default: fatalError("inverseForEveryCategory: z must be [N, D] or [N, K, D], got \(z.shape)")
        }
        return (input * (-a).exp() - tape[shift], -a.sum(axis: -1))
    }
}
