/// RDKit's verdict on a molecule's chemistry (MolOps::sanitizeMol): valid, or rejected with RDKit's reason
/// ("Explicit valence for atom # 0 C, 5, is greater than permitted").
public enum SanitisationVerdict: Equatable, Sendable {
    case valid
    case rejected(reason: String)

    public var isValid: Bool { self == .valid }
}
