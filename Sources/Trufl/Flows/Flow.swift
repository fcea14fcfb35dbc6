/// An invertible map between the latent z and a base variable u, one layer of a normalising flow prior.
///
/// `forward` runs the direction density evaluation needs (z → u, with log|det ∂u/∂z| per row);
/// `inverse` runs the direction sampling needs (u → z), on plain tensors.
public protocol Flow: Layer {
    /// `z: [batch, N]` → (`u: [batch, N]`, log|det ∂u/∂z|: `[batch]`).
    func forward(_ z: Var) -> (Var, Var)
    /// `u: [batch, N]` → `z: [batch, N]`.
    func inverse(_ u: Tensor) -> Tensor
}

/// u = (z + b)·e^a per dimension, with learned a and b: a flow's cheapest layer (as ActNorm without the
/// data-dependent initialisation).
public struct ElementwiseAffine: Flow {
    public let logScale: Parameter
    public let shift: Parameter

    public init(dimension: Int, name: String) {
        logScale = Parameter(name: "\(name).logScale", value: .zeros([dimension]))
        shift = Parameter(name: "\(name).shift", value: .zeros([dimension]))
    }

    public var parameters: [Parameter] { [logScale, shift] }

    public func forward(_ z: Var) -> (Var, Var) {
        let tape = z.tape
        let a = tape[logScale]
        let u = (z + tape[shift]) * a.exp()
        let logDet = (a.reshaped([1, -1]) + Tensor.zeros(z.shape)).sum(axis: 1)
        return (u, logDet)
    }

    public func inverse(_ u: Tensor) -> Tensor {
        u * (logScale.value * -1).exp() - shift.value
    }
}

/// Column selections for coupling layers: the conditioning half and the transformed half of z,
/// as 0/1 matrices so that splitting and merging are matrix products on the tape.
struct CouplingSplit {
    let conditioning: [Int]
    let transformed: [Int]
    let selectConditioning: Tensor  // [N, |conditioning|]
    let selectTransformed: Tensor  // [N, |transformed|]

    /// Dimensions with `parity` alternate: even ones condition when `parity` is 0, odd ones when 1.
    init(dimension: Int, parity: Int) {
        conditioning = (0..<dimension).filter { $0 % 2 == parity }
        transformed = (0..<dimension).filter { $0 % 2 != parity }
        selectConditioning = Self.selection(dimension, conditioning)
        selectTransformed = Self.selection(dimension, transformed)
    }

    static func selection(_ dimension: Int, _ columns: [Int]) -> Tensor {
        var matrix = Tensor.zeros([dimension, columns.count])
        for (j, column) in columns.enumerated() { matrix.scalars[column * columns.count + j] = 1 }
        return matrix
    }

    /// z → (z_conditioning, z_transformed).
    func split(_ z: Var) -> (Var, Var) { (z.matmul(selectConditioning), z.matmul(selectTransformed)) }
    func split(_ z: Tensor) -> (Tensor, Tensor) { (z.matmul(selectConditioning), z.matmul(selectTransformed)) }

    /// The inverse of `split`.
    func merge(_ a: Var, _ b: Var) -> Var {
        a.matmul(selectConditioning, transposeB: true) + b.matmul(selectTransformed, transposeB: true)
    }
    func merge(_ a: Tensor, _ b: Tensor) -> Tensor {
        a.matmul(selectConditioning, transposeB: true) + b.matmul(selectTransformed, transposeB: true)
    }
}
