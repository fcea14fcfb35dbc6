import Foundation
import Trufl

/// Row 9's shapes: chapter 09's full profile (the molecule model's sizes, 16 molecules per batch, Adam at 2·10⁻³
/// with the gradient norm clipped to 1), TRUFL on atoms and bonds with the soft indicator, β at the warm-up's first
/// step (1 + 2⁰ = 2).
enum MoleculeStepShapes {
    static let size = MoleculeModelSize(atomDimensions: 4, pairDimensions: 2, nodeCouplings: 6, edgeCouplings: 6,
                                        hidden: 64, graphLayers: 3, mixtures: 8)
    static let molecules = 16
    static let learningRate: Float = 2e-3, maxGradientNorm: Float = 1, temperature: Float = 0.02, beta: Float = 2
}

/// Row 9's molecules and everything PyTorch's side needs to build the same model: the first 16 molecules of the
/// ZINC sample (file order; `make data` fetches it), the atom types, and Eq. 2's marginals counted on all 5,000
/// molecules (as the model counts them on its training molecules).
struct MoleculeStepData {
    let dataset: MoleculeDataset
    let graphs: [MoleculeGraph]
    let batch: MoleculeBatch

    init() {
        do { dataset = try MoleculeDataset.zinc() } catch {
            fatalError("row 9 (molecule-step) needs chapter 09's molecules: \(error)")
        }
        graphs = Array(dataset.graphs.prefix(MoleculeStepShapes.molecules))
        batch = MoleculeBatch(graphs: graphs, atomTypes: dataset.atomTypes)
    }

    /// For bench/pytorch/molecule_step.py (`trufl-bench --molecule-batch`): per molecule its atom count, then the
    /// batch's atom categories and bond categories per pair (MoleculeBatch's order), and the two log-marginals.
    func json(model: MoleculeModel) -> [String: Any] {
        ["atom_counts": batch.atomCounts, "atoms": batch.atoms, "bonds": batch.bonds,
         "atom_types": dataset.atomTypes.map(\.description),
         "log_atom_marginal": model.atomMarginal.logProbabilities.scalars.map(Double.init),
         "log_bond_marginal": model.bondMarginal.logProbabilities.scalars.map(Double.init)]
    }
}

/// Row 9: one training step of chapter 09's molecule model with TRUFL (``MoleculeModel``), as
/// ``MoleculeModel/train(on:settings:label:using:)`` takes it: one reparameterised draw per atom and per pair, the
/// soft decoder of Eq. 2 for both, the node step (graph flow prior with attention over each molecule's atoms) and the
/// edge step (a flow over every pair, conditioned through the relational network), the loss per category, backward,
/// and Adam after clipping. As in rows 4, 6 and 7 the batch and the noise are fixed and every iteration starts from
/// the initial weights (restored outside the timing), so the loss is the same every iteration and on both sides.
final class MoleculeStepRow: BenchRow {
    typealias S = MoleculeStepShapes
    let data = MoleculeStepData()
    let model: MoleculeModel
    let noise: (atoms: Tensor, pairs: Tensor)
    let adam: Adam
    let initial: [Tensor]
    var check = 0.0
    var gradientNorm: Float = .nan

    init() {
        var random = RandomSource(seed: 0)  // replaced below by the shared hash initialisation
        model = MoleculeModel(kind: .trufl, size: S.size, atomTypes: data.dataset.atomTypes, training: data.dataset.graphs,
                              random: &random)
        Self.initialise(model)
        let batch = data.batch
        func uniform(_ shape: [Int], seed: Int) -> Tensor { hashUniform(shape, seed: seed, bound: 1).map { ($0 + 1) / 2 + 0x1p-25 } }
        noise = (uniform([batch.atomCount, S.size.atomDimensions], seed: 91),
                 uniform([batch.pairCount, S.size.pairDimensions], seed: 92))
        adam = Adam(model.parameters, learningRate: .constant(S.learningRate), maxGradientNorm: S.maxGradientNorm)
        initial = model.parameters.map(\.value)
    }

    /// Overwrites every parameter with values bench/pytorch/molecule_step.py reproduces: the i-th parameter of
    /// ``MoleculeModel/parameters`` gets `hashUniform(shape, seed: 900 + i, bound)`, a linear layer's weight and bias
    /// the bound 1/√inputs of its own initialisation, m̃ 1.5, s̃ 1 (windows of every width), the category-conditional
    /// scale and shift 0.25, the elementwise affines 0.1 (non-zero, so that the loss check covers them).
    static func initialise(_ model: MoleculeModel) {
        guard let atoms = model.atomDequantiser as? TRUFLDequantiser, let bonds = model.bondDequantiser as? TRUFLDequantiser,
              let atomFlow = atoms.flow, let bondFlow = bonds.flow else {
            fatalError("MoleculeStepRow: expects TRUFL with its category-conditional flow on atoms and bonds")
        }
        var walk = HashWalk()
        for (q, flow) in [(atoms, atomFlow), (bonds, bondFlow)] {
            walk.add(q.mTilde, bound: 1.5)
            walk.add(q.sTilde, bound: 1)
            walk.add(flow.shift, bound: 0.25)
            walk.add(flow.logScale, bound: 0.25)
        }
        walk.graphFlowPrior(model.nodePrior)
        for coupling in model.edgePrior.couplings {
            let network = coupling.network
            walk.linear(network.embedAtoms)
            walk.linear(network.embedPairs)
            network.pairUpdates.forEach { $0.layers.forEach { walk.linear($0) } }
            network.pairMessages.forEach { walk.linear($0) }
            network.atomUpdates.forEach { $0.layers.forEach { walk.linear($0) } }
            walk.linear(network.head)
        }
        walk.affines(model.edgePrior.affines)
        walk.apply(to: model.parameters, firstSeed: 900, row: "MoleculeStepRow")
    }

    var info: [String: Any] {
        let batch = data.batch, size = S.size
        return ["molecules": "\(batch.moleculeCount) (the ZINC sample's first), \(batch.atomCount) atoms, \(batch.pairCount) pairs",
                "dequantiser": "TRUFL, D \(size.atomDimensions) per atom and \(size.pairDimensions) per pair, scale and shift, soft τ = \(S.temperature)",
                "prior": "node step \(size.nodeCouplings) and edge step \(size.edgeCouplings) blocks, hidden \(size.hidden), \(size.graphLayers) graph layers, \(size.mixtures) logistics",
                "optimiser": "Adam \(S.learningRate), clip \(S.maxGradientNorm), β \(S.beta)",
                "parameters": adam.parameters.scalarCount, "tensors": adam.parameters.count,
                "gradient_norm": Double(gradientNorm)]
    }

    func iterate() -> [String: Double] {
        let batch = data.batch
        // The chapter's training loop steps without a finiteness guard.
        let step = timedTrainingStep(adam, from: initial, guarded: false) { tape in
            model.elbo(batch, on: tape, indicator: .soft(temperature: S.temperature), noise: noise)
                .loss(reconstructionWeight: S.beta, nodes: batch.atomCount + batch.pairCount)
        }
        (check, gradientNorm) = (step.loss, step.gradientNorm!)
        return step.times
    }
}
