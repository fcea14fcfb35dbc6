/// What can go wrong between the molecule task and RDKit, each with RDKit's own message.
public enum MoleculeError: Error, CustomStringConvertible {
    case unparsable(smiles: String, reason: String)
    case unbuildable(reason: String)
    case unkekulisable(reason: String)
    case unwritable(reason: String)
    case undrawable(reason: String)
    /// A molecule the dataset cannot hold (an element or bond outside the task's types, too many atoms).
    case outsideTheTask(smiles: String, reason: String)

    public var description: String {
        switch self {
        case let .unparsable(smiles, reason): return "RDKit cannot read '\(smiles)': \(reason)"
        case let .unbuildable(reason): return "RDKit cannot build the molecule: \(reason)"
        case let .unkekulisable(reason): return "RDKit cannot kekulise the molecule: \(reason)"
        case let .unwritable(reason): return "RDKit cannot write the molecule as SMILES: \(reason)"
        case let .undrawable(reason): return "RDKit cannot draw the molecules: \(reason)"
        case let .outsideTheTask(smiles, reason): return "'\(smiles)' is outside the molecule task: \(reason)"
        }
    }
}
