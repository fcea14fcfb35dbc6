/// What a set of molecule graphs holds: how many molecules have each number of heavy atoms, how often each atom
/// type occurs, and how often each bond type joins a pair of atoms of one molecule (`none` counted over all pairs,
/// so the four bond counts add up to the number of atom pairs). The frequency baseline draws from these.
public struct MoleculeStatistics: Sendable {
    /// `atomCounts[n]`: molecules with n heavy atoms, n = 0 … ``MoleculeDataset/maximumAtoms``.
    public let atomCounts: [Int]
    public let atomTypeCounts: [AtomType: Int]
    /// Indexed by ``BondType/rawValue``.
    public let bondTypeCounts: [Int]

    public init(_ graphs: [MoleculeGraph]) {
        var atomCounts = [Int](repeating: 0, count: MoleculeDataset.maximumAtoms + 1)
        var atomTypeCounts: [AtomType: Int] = [:]
        var bondTypeCounts = [Int](repeating: 0, count: BondType.allCases.count)
        for graph in graphs {
            atomCounts[graph.atoms.count] += 1
            for atom in graph.atoms { atomTypeCounts[atom, default: 0] += 1 }
            let pairs = graph.atoms.count * (graph.atoms.count - 1) / 2
            for bond in graph.bonds { bondTypeCounts[bond.type.rawValue] += 1 }
            bondTypeCounts[BondType.none.rawValue] += pairs - graph.bonds.count
        }
        self.atomCounts = atomCounts
        self.atomTypeCounts = atomTypeCounts
        self.bondTypeCounts = bondTypeCounts
    }

    public var moleculeCount: Int { atomCounts.reduce(0, +) }
    public var atomTotal: Int { atomTypeCounts.values.reduce(0, +) }
    public var pairTotal: Int { bondTypeCounts.reduce(0, +) }
    public var smallestMolecule: Int { atomCounts.firstIndex { $0 > 0 } ?? 0 }
    public var largestMolecule: Int { atomCounts.lastIndex { $0 > 0 } ?? 0 }
    public var meanAtoms: Double {
        Double(atomCounts.enumerated().reduce(0) { $0 + $1.offset * $1.element }) / Double(max(moleculeCount, 1))
    }
}
