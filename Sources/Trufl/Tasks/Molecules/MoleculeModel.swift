import Foundation

/// The three dequantisers Table 2 compares, each used twice: once on the atoms, once on the bonds.
public enum MoleculeDequantiserKind: String, Sendable, CaseIterable, Codable {
    /// Truncated logistic windows plus a category-conditional scale and shift.
    case trufl
    /// The untruncated logistic (CatNF's base scale 1/1.81) plus the same flow.
    case catnf
    /// Argmax flow, threshold form: D = K (15 dimensions per atom, 4 per pair).
    case argmax
}

/// Sizes of the molecule model (GraphCNF's are far larger: hidden 256 for nodes and 128 for edges, 4 to 6 coupling
/// blocks per step, 16 mixtures).
public struct MoleculeModelSize: Sendable, Codable, Equatable {
    /// Latent dimensions per atom and per pair for TRUFL and CatNF (Argmax's are its category counts).
    public var atomDimensions: Int
    public var pairDimensions: Int
    /// Couplings of the node step and of the edge step.
    public var nodeCouplings: Int
    public var edgeCouplings: Int
    /// Width of every conditioner, and its message-passing layers.
    public var hidden: Int
    public var graphLayers: Int
    public var mixtures: Int

    public init(atomDimensions: Int, pairDimensions: Int, nodeCouplings: Int, edgeCouplings: Int, hidden: Int,
                graphLayers: Int, mixtures: Int) {
        (self.atomDimensions, self.pairDimensions) = (atomDimensions, pairDimensions)
        (self.nodeCouplings, self.edgeCouplings) = (nodeCouplings, edgeCouplings)
        (self.hidden, self.graphLayers, self.mixtures) = (hidden, graphLayers, mixtures)
    }
}

/// The molecule model of Section 5.2: atoms and bonds as categories, each dequantised, under a graph prior in the
/// spirit of CatNF's GraphCNF:
///
///     log p(z) = log p_node(z_V | n) + log p_edge(z_E | z_V)
///
/// - the node step ``GraphFlowPrior`` over the atoms' latents z_V, its graph-attention conditioner attending over
///   all atoms of the molecule (the complete graph: no bond is known yet);
/// - the edge step ``EdgeFlowPrior`` over one latent per pair of atoms (n(n − 1)/2 of them, `none` included),
///   conditioned on z_V and on the other pairs through a ``RelationalEdgeNetwork``.
///
/// The number of atoms n is not modelled: a sample's n is drawn from the training molecules' distribution of n (as
/// GraphCNF samples it), and the ELBO is that of p(atoms, bonds | n).
///
/// **Simplifications against GraphCNF (stated in chapter 09):** GraphCNF has three steps (atoms; the bond types of
/// the bonded pairs; then the unbonded pairs as "virtual" edges, whose own encoder and decoder are learned), its
/// node latents keep moving in the edge steps' couplings, and its node step is conditioned on the decoded bonds.
/// Here the four bond categories share one dequantiser and one edge step, the node step comes first and is not
/// changed by the edge step, and the blocks are a coupling and an elementwise affine (no invertible 1×1
/// convolution, no ActNorm data initialisation).
///
/// Eq. 2's category marginals are counted on the training molecules: the atom types over all atoms, the bond types
/// over all pairs (90.6 % `none`).
public final class MoleculeModel {
    public let kind: MoleculeDequantiserKind
    public let atomTypes: [AtomType]
    public let atomDequantiser: any Dequantiser
    public let bondDequantiser: any Dequantiser
    public let nodePrior: GraphFlowPrior
    public let edgePrior: EdgeFlowPrior
    public let atomMarginal: EmpiricalMarginal
    public let bondMarginal: EmpiricalMarginal
    /// Training molecules with n atoms, n = 0 … 38: the distribution a sample's size is drawn from.
    public let atomCountFrequencies: [Int]

    /// A fresh model for molecules over `atomTypes`, its marginals and size distribution counted on `training`.
    /// Initial dequantisers are not symmetric in the categories (a symmetric start gives every category the same
    /// gradient): TRUFL's window centres m̃ ~ N(0, 1) and s̃ = −1 (as the character models of chapter 07); CatNF's and
    /// Argmax's flows start with shifts drawn from N(0, 0.5²) (``CategoryScaleShift/drawShifts(scale:using:)``).
    /// `activation`: the conditioners' (ReLU; the gradient tests take tanh, whose finite differences have no kinks).
    public init(kind: MoleculeDequantiserKind, size: MoleculeModelSize, atomTypes: [AtomType],
                training: [MoleculeGraph], activation: Activation = .relu, random: inout RandomSource) {
        self.kind = kind
        self.atomTypes = atomTypes
        func dequantiser(_ k: Int, _ d: Int, _ name: String) -> any Dequantiser {
            switch kind {
            case .trufl:
                return TRUFLDequantiser.randomCentres(categories: k, dimensions: d, width: -1, name: name, using: &random)
            case .catnf:
                let q = CatNFDequantiser(categories: k, dimensions: d, baseScale: CatNFDequantiser.catNFBaseScale, name: name)
                q.flow!.drawShifts(using: &random)
                return q
            case .argmax:
                let q = ArgmaxDequantiser(categories: k, encoding: .threshold, name: name)
                q.flow!.drawShifts(using: &random)
                return q
            }
        }
        atomDequantiser = dequantiser(atomTypes.count, size.atomDimensions, "atoms")
        bondDequantiser = dequantiser(BondType.allCases.count, size.pairDimensions, "bonds")
        let dV = atomDequantiser.dimensions, dE = bondDequantiser.dimensions
        nodePrior = GraphFlowPrior(latentsPerNode: dV, couplings: size.nodeCouplings, mixtures: size.mixtures,
                                   hidden: size.hidden, graphLayers: size.graphLayers, activation: activation, name: "nodes",
                                   random: &random)
        edgePrior = EdgeFlowPrior(atomLatents: dV, latentsPerPair: dE, couplings: size.edgeCouplings,
                                  mixtures: size.mixtures, hidden: size.hidden, layers: size.graphLayers, activation: activation,
                                  random: &random)
        let statistics = MoleculeStatistics(training)
        atomMarginal = EmpiricalMarginal(probabilities: atomTypes.map { Double(statistics.atomTypeCounts[$0] ?? 0) })
        bondMarginal = EmpiricalMarginal(probabilities: statistics.bondTypeCounts.map(Double.init))
        atomCountFrequencies = statistics.atomCounts
    }

    public var parameters: [Parameter] {
        atomDequantiser.parameters + bondDequantiser.parameters + nodePrior.parameters + edgePrior.parameters
    }

    /// Uniform noise u₀ for one draw of z ~ q(z|x): `[atoms, D_V]` and `[pairs, D_E]`.
    public func noise(_ batch: MoleculeBatch, using random: inout RandomSource) -> (atoms: Tensor, pairs: Tensor) {
        (Tensor.uniform([batch.atomCount, atomDequantiser.dimensions], using: &random),
         Tensor.uniform([batch.pairCount, bondDequantiser.dimensions], using: &random))
    }

    /// Eq. 3 per molecule with one draw z ~ q(z|x) per atom and per pair; `indicator` soft only for training TRUFL.
    public func elbo(_ batch: MoleculeBatch, on tape: Tape, indicator: SupportIndicator = .hard,
                     using random: inout RandomSource) -> GraphELBOTerms {
        elbo(batch, on: tape, indicator: indicator, noise: noise(batch, using: &random))
    }

    /// Eq. 3 per molecule, the dequantisers' draws driven by `noise` (a deterministic function of the parameters).
    ///
    ///     L = Σ_v log p(x_v|z_v) + Σ_{i<j} log p(e_ij|z_ij)                       (reconstruction, Eq. 2)
    ///       + log p_node(z_V) + log p_edge(z_E|z_V) − Σ_v log q(z_v|x_v) − Σ_{i<j} log q(z_ij|e_ij)
    public func elbo(_ batch: MoleculeBatch, on tape: Tape, indicator: SupportIndicator = .hard,
                     noise: (atoms: Tensor, pairs: Tensor)) -> GraphELBOTerms {
        guard batch.atoms.count == batch.atomCount, batch.bonds.count == batch.pairCount else {
            fatalError("MoleculeModel.elbo: the batch has no categories (a batch of sizes is for sampling)")
        }
        let atoms = atomDequantiser.sample(batch.atoms, noise: noise.atoms, on: tape)
        let pairs = bondDequantiser.sample(batch.bonds, noise: noise.pairs, on: tape)
        let atomLikelihood = atomDequantiser.logLikelihood(of: batch.atoms, given: atoms.z, marginal: atomMarginal,
                                                           indicator: indicator, ownLogDensity: atoms.logDensity)
        let bondLikelihood = bondDequantiser.logLikelihood(of: batch.bonds, given: pairs.z, marginal: bondMarginal,
                                                           indicator: indicator, ownLogDensity: pairs.logDensity)
        let g = batch.moleculeCount
        func perMolecule(_ v: Var, _ rows: [Int]) -> Var {
            v.reshaped([rows.count, 1]).scatterAdd(rows: rows, count: g).reshaped([g])
        }
        let logPrior = nodePrior.logDensity(atoms.z, graph: batch.atomGraph)
            + edgePrior.logDensity(pairs.z, atoms: atoms.z, batch: batch)
        let logPosterior = perMolecule(atoms.logDensity, batch.moleculeOfAtom)
            + perMolecule(pairs.logDensity, batch.moleculeOfPair)
        return GraphELBOTerms(reconstruction: perMolecule(atomLikelihood, batch.moleculeOfAtom)
                                  + perMolecule(bondLikelihood, batch.moleculeOfPair),
                              priorMinusPosterior: logPrior - logPosterior)
    }
}
