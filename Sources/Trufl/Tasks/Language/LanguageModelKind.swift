/// The models of Table 3 (characters) and Table 4 (words).
public enum LanguageModelKind: String, Sendable, Codable, CaseIterable {
    /// The LSTM with a softmax (``LSTMSoftmaxModel``).
    case lstm
    /// Dequantised by CatNF's logistic, by the binary Argmax flow, or by TRUFL, with the prior of Appendix C.3.
    case catnf, argmax, trufl

    /// The name in tables.
    public var displayName: String {
        switch self {
        case .lstm: return "LSTM"
        case .catnf: return "CatNF"
        case .argmax: return "Argmax flow"
        case .trufl: return "TRUFL"
        }
    }

    /// This kind's dequantiser over K categories at its start (chapter 07's starts, the same at K = 49 and 10,000).
    /// `dimensions` is D for CatNF and TRUFL; the binary Argmax flow takes ⌈log₂ K⌉ whatever it is given, and decodes
    /// through the fused densities when `fusedArgmax` (at K = 10,000 the composed ones build `[N, K, D]` tensors).
    /// TRUFL's windows start at width s̃ = `truflStartWidth` (chapter 07's −1 by default).
    public func startingDequantiser(categories: Int, dimensions: Int, fusedArgmax: Bool = false, truflStartWidth: Float = -1,
                                    random: inout RandomSource) -> any Dequantiser {
        switch self {
        case .catnf:
            // Asymmetric in the categories from the start (a symmetric start gives every category the same gradient).
            let q = CatNFDequantiser(categories: categories, dimensions: dimensions)
            q.flow!.drawShifts(using: &random)
            return q
        case .argmax:
            let q = ArgmaxDequantiser(categories: categories, encoding: .binary, fusedDensities: fusedArgmax)
            q.flow!.drawShifts(using: &random)
            return q
        case .trufl:
            // Windows at random centres (chapter 05's random start), narrow enough (chapter 07's s̃ = −1:
            // s ≈ 0.54·min(m, 1 − m)) that most of the K boxes start apart.
            return TRUFLDequantiser.randomCentres(categories: categories, dimensions: dimensions, width: truflStartWidth,
                                                  using: &random)
        case .lstm:
            fatalError("LanguageModelKind: the LSTM baseline has no latent (use LSTMSoftmaxModel)")
        }
    }
}

/// Chapter 07's name for the same models.
public typealias CharacterModelKind = LanguageModelKind
