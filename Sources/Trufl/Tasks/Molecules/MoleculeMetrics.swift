/// The paper's molecule metrics (Table 2, as CatNF's evaluation computes them), each RDKit's answer:
/// - validity: the graph, as a molecule, passes RDKit's sanitisation and is one connected piece;
/// - validity of the largest sub-graph (the paper's bracketed number): the largest connected piece passes;
/// - uniqueness: distinct canonical SMILES among the valid molecules ÷ valid molecules;
/// - novelty: valid molecules whose canonical SMILES is not a training molecule's ÷ valid molecules.
/// Canonical SMILES leave out stereochemistry, which the graphs do not carry. A graph without atoms is invalid.
public struct MoleculeMetrics: Sendable {
    /// What RDKit made of one sample.
    public struct Verdict: Sendable {
        /// The whole graph: valid, or RDKit's reason (or "n pieces" when it sanitises but is not connected).
        public let verdict: SanitisationVerdict
        public let fragmentCount: Int
        /// Canonical SMILES of the whole molecule when valid.
        public let canonicalSMILES: String?
        /// The largest connected piece passes sanitisation.
        public let largestFragmentValid: Bool
        /// Canonical SMILES of the largest piece when it is valid (what a sampler that keeps it would output).
        public let largestFragmentSMILES: String?
    }

    public let sampleCount: Int
    public let validCount: Int
    public let largestFragmentValidCount: Int
    public let uniqueCount: Int
    public let novelCount: Int
    public let verdicts: [Verdict]

    public var validity: Double { Double(validCount) / Double(max(sampleCount, 1)) }
    public var largestFragmentValidity: Double { Double(largestFragmentValidCount) / Double(max(sampleCount, 1)) }
    /// Undefined (NaN) when no sample is valid.
    public var uniqueness: Double { validCount == 0 ? .nan : Double(uniqueCount) / Double(validCount) }
    public var novelty: Double { validCount == 0 ? .nan : Double(novelCount) / Double(validCount) }

    /// RDKit's verdicts on `samples`, against the canonical SMILES of the training molecules.
    public init(samples: [MoleculeGraph], trainingCanonicalSMILES: Set<String>) {
        var verdicts: [Verdict] = []
        verdicts.reserveCapacity(samples.count)
        for graph in samples { verdicts.append(MoleculeMetrics.judge(graph)) }
        let valid = verdicts.compactMap(\.canonicalSMILES)
        sampleCount = samples.count
        validCount = valid.count
        largestFragmentValidCount = verdicts.filter(\.largestFragmentValid).count
        uniqueCount = Set(valid).count
        novelCount = valid.filter { !trainingCanonicalSMILES.contains($0) }.count
        self.verdicts = verdicts
    }

    /// RDKit's verdict on one graph.
    public static func judge(_ graph: MoleculeGraph) -> Verdict {
        guard !graph.atoms.isEmpty else {
            return Verdict(verdict: .rejected(reason: "no atoms"), fragmentCount: 0, canonicalSMILES: nil,
                           largestFragmentValid: false, largestFragmentSMILES: nil)
        }
        let molecule: Molecule
        do { molecule = try Molecule(graph) } catch {
            fatalError("MoleculeMetrics: a sampled graph is not a molecule RDKit can build: \(error)")
        }
        let fragments = molecule.fragmentCount
        let largest = molecule.largestFragment()
        let largestValid = largest.sanitise().isValid
        let largestSMILES = largestValid ? try? largest.canonicalSMILES() : nil
        var verdict = molecule.sanitise()
        if verdict.isValid, fragments > 1 { verdict = .rejected(reason: "\(fragments) pieces") }
        let smiles = verdict.isValid ? try? molecule.canonicalSMILES() : nil
        return Verdict(verdict: verdict, fragmentCount: fragments, canonicalSMILES: smiles,
                       largestFragmentValid: largestValid, largestFragmentSMILES: largestSMILES)
    }
}
