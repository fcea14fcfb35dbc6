/// An affine coupling layer (RealNVP): half the dimensions pass through and condition an MLP whose
/// outputs scale and shift the other half, u_b = z_b·e^(tanh(s)) + t. The tanh bounds each step's scale
/// to [1/e, e], as CatNF bounds its scale-and-shift flows.
public struct AffineCoupling: Flow {
    let split: CouplingSplit
    public let network: MLP

    /// `parity` 0 transforms the odd dimensions, 1 the even ones; alternate it between layers.
    public init(dimension: Int, parity: Int, hidden: [Int] = [64, 64], activation: Activation = .relu, name: String,
                random: inout RandomSource) {
        guard dimension >= 2 else { fatalError("AffineCoupling needs at least 2 dimensions, got \(dimension)") }
        split = CouplingSplit(dimension: dimension, parity: parity)
        network = MLP([split.conditioning.count] + hidden + [2 * split.transformed.count], activation: activation,
                      name: name, random: &random)
    }

    public var parameters: [Parameter] { network.parameters }

    func scaleAndShift(_ conditioning: Var) -> (Var, Var) {
        let n = split.transformed.count
        let out = network(conditioning)
        return (out.slice(axis: 1, 0..<n).tanh(), out.slice(axis: 1, n..<(2 * n)))
    }

    public func forward(_ z: Var) -> (Var, Var) {
        let (a, b) = split.split(z)
        let (s, t) = scaleAndShift(a)
        return (split.merge(a, b * s.exp() + t), s.sum(axis: 1))
    }

    public func inverse(_ u: Tensor) -> Tensor {
        let (a, b) = split.split(u)
        let tape = Tape()
        let (s, t) = scaleAndShift(tape.constant(a))
        return split.merge(a, (b - t.value) * (s.value * -1).exp())
    }
}
