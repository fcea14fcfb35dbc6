import CRDKit

/// An RDKit molecule (owned; freed with the object). Everything chemical the molecule task decides (whether a
/// SMILES parses, whether valences are allowed, which two spellings are one molecule, the largest fragment) is
/// RDKit's answer, through the package's C interface (Sources/CRDKit), so that validity here is the metric CatNF's
/// evaluation, and so the paper's Table 2, computes.
public final class Molecule {
    let handle: OpaquePointer

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { crdkit_molecule_free(handle) }

    /// RDKit's version ("2022.09.3").
    public static var rdkitVersion: String { String(cString: crdkit_version()) }

    /// Parses SMILES, without sanitising: ask ``sanitise()`` for the verdict.
    public convenience init(smiles: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard let handle = crdkit_molecule_from_smiles(smiles, &message) else {
            throw MoleculeError.unparsable(smiles: smiles, reason: Molecule.take(message))
        }
        self.init(handle: handle)
    }

    /// A molecule from a graph: atoms (element and formal charge; hydrogens are left for sanitisation to infer,
    /// as for any heavy-atom graph) and bonds, not sanitised.
    public convenience init(_ graph: MoleculeGraph) throws {
        let atomicNumbers = graph.atoms.map { Int32($0.atomicNumber) }
        let charges = graph.atoms.map { Int32($0.formalCharge) }
        let begins = graph.bonds.map { Int32($0.first) }
        let ends = graph.bonds.map { Int32($0.second) }
        let orders = graph.bonds.map { Int32($0.type.order) }
        var message: UnsafeMutablePointer<CChar>?
        guard let handle = crdkit_molecule_build(Int32(atomicNumbers.count), atomicNumbers, charges,
                                                 Int32(begins.count), begins, ends, orders, &message) else {
            throw MoleculeError.unbuildable(reason: Molecule.take(message))
        }
        self.init(handle: handle)
    }

    /// RDKit's sanitisation, in place: valence first, then kekulisation, aromaticity and the rest.
    @discardableResult
    public func sanitise() -> SanitisationVerdict {
        var message: UnsafeMutablePointer<CChar>?
        return crdkit_molecule_sanitise(handle, &message) == 1 ? .valid : .rejected(reason: Molecule.take(message))
    }

    /// Kekulises in place and clears the aromatic flags, so that every bond is single, double or triple
    /// (the bond types of the paper's molecule graphs).
    public func kekulise() throws {
        var message: UnsafeMutablePointer<CChar>?
        guard crdkit_molecule_kekulise(handle, &message) == 1 else {
            throw MoleculeError.unkekulisable(reason: Molecule.take(message))
        }
    }

    /// RDKit's canonical SMILES: equal for every spelling of one molecule. `isomeric: false` leaves out
    /// stereochemistry, which a graph of elements, charges and bond orders does not carry.
    public func canonicalSMILES(isomeric: Bool = false) throws -> String {
        var message: UnsafeMutablePointer<CChar>?
        guard let text = crdkit_molecule_canonical_smiles(handle, isomeric ? 1 : 0, &message) else {
            throw MoleculeError.unwritable(reason: Molecule.take(message))
        }
        return Molecule.take(text)
    }

    /// The number of connected pieces.
    public var fragmentCount: Int {
        let count = Int(crdkit_molecule_fragment_count(handle))
        guard count >= 0 else { fatalError("Molecule.fragmentCount: RDKit could not split the molecule") }
        return count
    }

    /// A copy of the fragment with the most atoms (the first on a tie), not sanitised.
    public func largestFragment() -> Molecule {
        guard let copy = crdkit_molecule_largest_fragment(handle) else {
            fatalError("Molecule.largestFragment: RDKit could not split the molecule")
        }
        return Molecule(handle: copy)
    }

    /// The heavy atoms as RDKit holds them, with the hydrogens written on each in the SMILES.
    public var atoms: [(type: AtomType, explicitHydrogens: Int)] {
        (0 ..< Int(crdkit_molecule_atom_count(handle))).map { index in
            var atomicNumber: Int32 = 0, charge: Int32 = 0, hydrogens: Int32 = 0
            crdkit_molecule_atom(handle, Int32(index), &atomicNumber, &charge, &hydrogens)
            return (AtomType(atomicNumber: Int(atomicNumber), formalCharge: Int(charge)), Int(hydrogens))
        }
    }

    /// The bonds as RDKit holds them: two atom indices and RDKit's order (aromatic until kekulised).
    public var bonds: [(first: Int, second: Int, order: Int)] {
        (0 ..< Int(crdkit_molecule_bond_count(handle))).map { index in
            var begin: Int32 = 0, end: Int32 = 0, order: Int32 = 0
            crdkit_molecule_bond(handle, Int32(index), &begin, &end, &order)
            return (Int(min(begin, end)), Int(max(begin, end)), Int(order))
        }
    }

    /// A C string the interface handed over, as a Swift string, freed.
    static func take(_ text: UnsafeMutablePointer<CChar>?) -> String {
        guard let text else { return "(RDKit gave no message)" }
        defer { crdkit_string_free(text) }
        return String(cString: text)
    }
}
