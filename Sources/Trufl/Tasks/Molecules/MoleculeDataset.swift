/// Molecules read into the task's graphs: each SMILES parsed and sanitised by RDKit (every ZINC molecule must pass),
/// its canonical SMILES kept for novelty, then kekulised (single, double and triple bonds only) and turned into a
/// graph of heavy atoms typed by element and formal charge. Up to ``maximumAtoms`` heavy atoms, as in the paper.
public struct MoleculeDataset: Sendable {
    /// ZINC250k's largest molecules have 38 heavy atoms; the paper's model (CatNF's) has room for 38.
    public static let maximumAtoms = 38

    public let smiles: [String]
    /// RDKit's canonical SMILES of each input, without stereochemistry (the graphs carry none).
    public let canonicalSMILES: [String]
    public let graphs: [MoleculeGraph]
    /// The atom types present, ordered by element then charge: the categories a model dequantises.
    public let atomTypes: [AtomType]

    public init(smiles: [String]) throws {
        var canonical: [String] = [], graphs: [MoleculeGraph] = []
        canonical.reserveCapacity(smiles.count)
        graphs.reserveCapacity(smiles.count)
        for text in smiles {
            let molecule = try Molecule(smiles: text)
            if case let .rejected(reason) = molecule.sanitise() {
                throw MoleculeError.outsideTheTask(smiles: text, reason: "RDKit rejects it: \(reason)")
            }
            canonical.append(try molecule.canonicalSMILES())
            try molecule.kekulise()
            let graph = try MoleculeGraph(kekulised: molecule, smiles: text)
            guard graph.atoms.count <= MoleculeDataset.maximumAtoms else {
                throw MoleculeError.outsideTheTask(
                    smiles: text, reason: "\(graph.atoms.count) heavy atoms, more than \(MoleculeDataset.maximumAtoms)")
            }
            graphs.append(graph)
        }
        self.smiles = smiles
        self.canonicalSMILES = canonical
        self.graphs = graphs
        self.atomTypes = Set(graphs.flatMap(\.atoms)).sorted()
    }

    /// The sample of ZINC250k the book uses (``ZINCSample``).
    public static func zinc() throws -> MoleculeDataset { try MoleculeDataset(smiles: ZINCSample.smiles()) }

    public var count: Int { graphs.count }

    /// The molecules at `indices`, in that order.
    public func subset(_ indices: [Int]) -> MoleculeDataset {
        MoleculeDataset(smiles: indices.map { smiles[$0] }, canonicalSMILES: indices.map { canonicalSMILES[$0] },
                        graphs: indices.map { graphs[$0] }, atomTypes: atomTypes)
    }

    private init(smiles: [String], canonicalSMILES: [String], graphs: [MoleculeGraph], atomTypes: [AtomType]) {
        self.smiles = smiles
        self.canonicalSMILES = canonicalSMILES
        self.graphs = graphs
        self.atomTypes = atomTypes
    }
}
