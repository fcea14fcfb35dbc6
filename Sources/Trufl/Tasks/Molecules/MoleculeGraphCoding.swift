/// A molecule graph in an experiment cell's JSON, compactly: `{"atoms": [[Z, charge], …], "bonds": [[i, j, order], …]}`
/// (thousands of sampled molecules go into one result).
extension MoleculeGraph: Codable {
    enum CodingKeys: String, CodingKey { case atoms, bonds }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let atoms = try container.decode([[Int]].self, forKey: .atoms)
        let bonds = try container.decode([[Int]].self, forKey: .bonds)
        guard atoms.allSatisfy({ $0.count == 2 }), bonds.allSatisfy({ $0.count == 3 }) else {
            throw DecodingError.dataCorruptedError(forKey: .atoms, in: container,
                                                   debugDescription: "atoms are [Z, charge], bonds [i, j, order]")
        }
        self.atoms = atoms.map { AtomType(atomicNumber: $0[0], formalCharge: $0[1]) }
        self.bonds = try bonds.map { triple in
            guard let type = BondType(rawValue: triple[2]), type != .none,
                  triple[0] >= 0, triple[1] >= 0, triple[0] < atoms.count, triple[1] < atoms.count else {
                throw DecodingError.dataCorruptedError(forKey: .bonds, in: container,
                                                       debugDescription: "bond \(triple) of \(atoms.count) atoms")
            }
            return Bond(triple[0], triple[1], type)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(atoms.map { [$0.atomicNumber, $0.formalCharge] }, forKey: .atoms)
        try container.encode(bonds.map { [$0.first, $0.second, $0.type.rawValue] }, forKey: .bonds)
    }
}
