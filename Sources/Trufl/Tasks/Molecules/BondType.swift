/// The edge categories of the molecule graphs (kekulised, so no aromatic bonds): the paper's "none, single,
/// double, triple". `none` is a category like the others: a model dequantises every pair of atoms.
public enum BondType: Int, CaseIterable, Hashable, Comparable, Sendable, CustomStringConvertible {
    case none = 0, single = 1, double = 2, triple = 3

    /// The bond order RDKit takes (0 for no bond).
    public var order: Int { rawValue }

    public var description: String {
        switch self {
        case .none: return "none"
        case .single: return "single"
        case .double: return "double"
        case .triple: return "triple"
        }
    }

    public static func < (a: BondType, b: BondType) -> Bool { a.rawValue < b.rawValue }
}
