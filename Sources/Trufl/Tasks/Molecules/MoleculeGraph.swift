/// A molecule as the models see it: heavy atoms (typed by element and charge) and the bonds between them
/// (single, double or triple; a pair not listed has no bond), from a kekulised molecule.
public struct MoleculeGraph: Hashable, Sendable {
    public struct Bond: Hashable, Sendable {
        /// The two atoms, `first < second`.
        public let first: Int
        public let second: Int
        public let type: BondType

        public init(_ first: Int, _ second: Int, _ type: BondType) {
            self.first = min(first, second)
            self.second = max(first, second)
            self.type = type
        }
    }

    public var atoms: [AtomType]
    public var bonds: [Bond]

    public init(atoms: [AtomType], bonds: [Bond]) {
        self.atoms = atoms
        self.bonds = bonds
    }

    /// The graph of a kekulised RDKit molecule. Throws when RDKit still holds an aromatic (or other) bond.
    public init(kekulised molecule: Molecule, smiles: String) throws {
        atoms = molecule.atoms.map(\.type)
        bonds = try molecule.bonds.map { bond in
            guard let type = BondType(rawValue: bond.order), type != .none else {
                throw MoleculeError.outsideTheTask(smiles: smiles, reason: "a bond of RDKit order \(bond.order)")
            }
            return Bond(bond.first, bond.second, type)
        }
    }

    /// The bond between atoms `i` and `j` (`.none` when they are not bonded).
    public func bond(_ i: Int, _ j: Int) -> BondType {
        let (a, b) = (min(i, j), max(i, j))
        return bonds.first { $0.first == a && $0.second == b }?.type ?? .none
    }
}
