import CRDKit

/// An atom type of the molecule graphs: an element with a formal charge, as ZINC writes them (N, N+, O−, …).
/// The paper's graphs (CatNF's ZINC250k) distinguish charged atoms the same way; hydrogens are not atoms of the
/// graph (RDKit infers them from the valence).
public struct AtomType: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let atomicNumber: Int
    public let formalCharge: Int

    public init(atomicNumber: Int, formalCharge: Int) {
        self.atomicNumber = atomicNumber
        self.formalCharge = formalCharge
    }

    /// RDKit's element symbol ("Cl").
    public var element: String {
        guard let symbol = crdkit_element_symbol(Int32(atomicNumber)) else { return "#\(atomicNumber)" }
        return String(cString: symbol)
    }

    /// "C", "N+", "O-", "N2+".
    public var description: String {
        switch formalCharge {
        case 0: return element
        case 1: return element + "+"
        case -1: return element + "-"
        case let charge where charge > 0: return "\(element)\(charge)+"
        default: return "\(element)\(-formalCharge)-"
        }
    }

    /// Ordered by element, then charge.
    public static func < (a: AtomType, b: AtomType) -> Bool {
        (a.atomicNumber, a.formalCharge) < (b.atomicNumber, b.formalCharge)
    }
}
