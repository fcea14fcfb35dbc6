/// Several molecules packed for the molecule model: atoms numbered consecutively across molecules, and every pair of
/// atoms of one molecule (i < j, bonded or not) as one row of the edge latents, molecules in order and each
/// molecule's pairs in row-major order of the upper triangle: (0,1), (0,2), …, (0,n−1), (1,2), ….
///
/// Every pair is a row, not only the bonded ones: the paper dequantises `none` like the other bond categories, so a
/// molecule of n atoms has n(n − 1)/2 edge latents.
public struct MoleculeBatch: Sendable {
    /// Heavy atoms per molecule.
    public let atomCounts: [Int]
    /// The batch index of each molecule's first atom.
    public let atomOffsets: [Int]
    /// For each batch atom, its molecule.
    public let moleculeOfAtom: [Int]
    /// Each pair's two atoms in batch numbering, `pairFirst < pairSecond`, both of one molecule.
    public let pairFirst: [Int]
    public let pairSecond: [Int]
    /// For each pair, its molecule; and the batch index of each molecule's first pair.
    public let moleculeOfPair: [Int]
    public let pairOffsets: [Int]
    /// Atom categories (indices into the model's atom types) and bond categories (``BondType/rawValue``) per pair,
    /// when the batch was made from molecules; empty for a batch of sizes only (sampling).
    public let atoms: [Int]
    public let bonds: [Int]
    /// The node step's graph: every ordered pair of distinct atoms of one molecule (attention over all atoms).
    public let atomGraph: GraphStructure

    public var moleculeCount: Int { atomCounts.count }
    public var atomCount: Int { moleculeOfAtom.count }
    public var pairCount: Int { moleculeOfPair.count }

    /// A batch of molecules of `atomCounts` atoms each, without categories (for sampling).
    public init(atomCounts: [Int]) {
        self.init(atomCounts: atomCounts, atoms: [], bondOf: nil)
    }

    /// Packs `graphs`, their atoms read as indices into `atomTypes` (a type not among them is a clear error).
    public init(graphs: [MoleculeGraph], atomTypes: [AtomType]) {
        let index = Dictionary(uniqueKeysWithValues: atomTypes.enumerated().map { ($0.element, $0.offset) })
        let atoms = graphs.flatMap { graph in
            graph.atoms.map { type -> Int in
                guard let k = index[type] else {
                    fatalError("MoleculeBatch: atom type \(type) is not one of the model's \(atomTypes.map(\.description))")
                }
                return k
            }
        }
        let matrices = graphs.map { graph -> [Int] in
            let n = graph.atoms.count
            var matrix = [Int](repeating: BondType.none.rawValue, count: n * n)
            for bond in graph.bonds { matrix[bond.first * n + bond.second] = bond.type.rawValue }
            return matrix
        }
        self.init(atomCounts: graphs.map(\.atoms.count), atoms: atoms) { g, i, j in
            matrices[g][i * graphs[g].atoms.count + j]
        }
    }

    private init(atomCounts: [Int], atoms: [Int], bondOf: ((Int, Int, Int) -> Int)?) {
        for n in atomCounts where n < 2 || n > MoleculeDataset.maximumAtoms {
            fatalError("MoleculeBatch: a molecule of \(n) atoms (the model takes 2 to \(MoleculeDataset.maximumAtoms))")
        }
        var atomOffsets: [Int] = [], moleculeOfAtom: [Int] = []
        var first: [Int] = [], second: [Int] = [], moleculeOfPair: [Int] = [], pairOffsets: [Int] = [], bonds: [Int] = []
        var sources: [Int] = [], targets: [Int] = []
        var offset = 0
        for (g, n) in atomCounts.enumerated() {
            atomOffsets.append(offset)
            pairOffsets.append(first.count)
            moleculeOfAtom.append(contentsOf: repeatElement(g, count: n))
            for i in 0..<n {
                for j in (i + 1)..<n {
                    first.append(offset + i)
                    second.append(offset + j)
                    moleculeOfPair.append(g)
                    if let bondOf { bonds.append(bondOf(g, i, j)) }
                }
                for j in 0..<n where j != i {
                    sources.append(offset + j)
                    targets.append(offset + i)
                }
            }
            offset += n
        }
        self.atomCounts = atomCounts
        self.atomOffsets = atomOffsets
        self.moleculeOfAtom = moleculeOfAtom
        pairFirst = first
        pairSecond = second
        self.moleculeOfPair = moleculeOfPair
        self.pairOffsets = pairOffsets
        self.atoms = atoms
        self.bonds = bonds
        atomGraph = GraphStructure(nodeCount: offset, graphCount: atomCounts.count, sources: sources, targets: targets,
                                   graphOfNode: moleculeOfAtom)
    }

    /// 1/(n − 1) for each atom of a molecule of n atoms, `[atoms, 1]`: the mean over the pairs an atom is part of.
    public var pairsPerAtomReciprocal: Tensor {
        Tensor(shape: [atomCount, 1], scalars: moleculeOfAtom.map { 1 / Float(atomCounts[$0] - 1) })
    }

    /// The graph of molecule `g` from atom categories (batch numbering) and bond categories per pair.
    public func graph(_ g: Int, atoms atomCategories: [Int], bonds bondCategories: [Int], atomTypes: [AtomType])
        -> MoleculeGraph {
        let start = atomOffsets[g], n = atomCounts[g]
        let atoms = (start..<(start + n)).map { atomTypes[atomCategories[$0]] }
        let pairStart = pairOffsets[g], pairEnd = pairStart + n * (n - 1) / 2
        var bonds: [MoleculeGraph.Bond] = []
        for p in pairStart..<pairEnd {
            guard let type = BondType(rawValue: bondCategories[p]) else {
                fatalError("MoleculeBatch.graph: bond category \(bondCategories[p]) is not a bond type")
            }
            if type != .none { bonds.append(MoleculeGraph.Bond(pairFirst[p] - start, pairSecond[p] - start, type)) }
        }
        return MoleculeGraph(atoms: atoms, bonds: bonds)
    }
}
