/// The conditioner of the edge step's couplings: a graph network over the complete graph of each molecule whose
/// edge features are the pairs' latents, so that every pair's flow reads the atoms' latents and the other pairs.
///
/// Atom states h start from the atoms' latents z_V, pair states e from the pairs' conditioning half; each layer
///
///     e_ij ← e_ij + MLP_e([h_i + h_j, h_i ⊙ h_j, e_ij])          (a pair reads its two atoms)
///     h_i  ← h_i + MLP_h([h_i, mean_j W e_ij])                    (an atom reads every pair it is part of)
///
/// and the output per pair is read from [e_ij, h_i + h_j]. Sums and products of the two atoms make the network
/// symmetric in i and j, and the whole of it equivariant under renumbering the atoms.
///
/// **Simplification (stated in chapter 09):** CatNF's relational graph networks keep one message function per bond
/// type. Inside the flow the bonds are not yet categories but latents, so here the message function is one network
/// that reads the pair's latent (which carries its bond type) instead of one weight matrix per type.
public struct RelationalEdgeNetwork: Layer {
    public let embedAtoms: Linear
    public let embedPairs: Linear
    public let pairUpdates: [MLP]
    public let pairMessages: [Linear]
    public let atomUpdates: [MLP]
    public let head: Linear

    public init(atomLatents: Int, pairInputs: Int, outputs: Int, hidden: Int, layers: Int,
                activation: Activation = .relu, name: String, random: inout RandomSource) {
        embedAtoms = Linear(atomLatents, hidden, name: "\(name).embedAtoms", random: &random)
        embedPairs = Linear(pairInputs, hidden, name: "\(name).embedPairs", random: &random)
        pairUpdates = (0..<layers).map {
            MLP([3 * hidden, hidden, hidden], activation: activation, name: "\(name).pair\($0)", random: &random)
        }
        pairMessages = (0..<layers).map { Linear(hidden, hidden, bias: false, name: "\(name).message\($0)", random: &random) }
        atomUpdates = (0..<layers).map {
            MLP([2 * hidden, hidden, hidden], activation: activation, name: "\(name).atom\($0)", random: &random)
        }
        head = Linear(2 * hidden, outputs, name: "\(name).head", random: &random)
    }

    public var parameters: [Parameter] {
        embedAtoms.parameters + embedPairs.parameters + pairUpdates.flatMap(\.parameters)
            + pairMessages.flatMap(\.parameters) + atomUpdates.flatMap(\.parameters) + head.parameters
    }

    /// Atom latents `[atoms, D_V]` and the pairs' conditioning inputs `[pairs, c]` → `[pairs, outputs]`.
    public func callAsFunction(atoms zV: Var, pairs a: Var, batch: MoleculeBatch) -> Var {
        // tanh bounds the embeddings (as GraphMixtureCoupling does), so the mixture parameters stay bounded
        // however large the latents grow.
        var h = embedAtoms(zV).tanh()
        var e = embedPairs(a).tanh()
        let reciprocal = zV.tape.constant(batch.pairsPerAtomReciprocal)
        for layer in pairUpdates.indices {
            let hi = h.gather(rows: batch.pairFirst), hj = h.gather(rows: batch.pairSecond)
            e = e + pairUpdates[layer](Var.concat([hi + hj, hi * hj, e], axis: 1))
            let message = pairMessages[layer](e)
            let gathered = message.scatterAdd(rows: batch.pairFirst, count: batch.atomCount)
                + message.scatterAdd(rows: batch.pairSecond, count: batch.atomCount)
            h = h + atomUpdates[layer](Var.concat([h, gathered * reciprocal], axis: 1))
        }
        let ends = h.gather(rows: batch.pairFirst) + h.gather(rows: batch.pairSecond)
        return head(Var.concat([e, ends], axis: 1))
    }
}
