/// The molecule sampler that needs no training, so that a reader knows what Table 2's numbers mean: every choice
/// drawn independently from the training set's frequencies (``MoleculeStatistics``).
/// 1. the number of heavy atoms n from the training molecules' distribution of n;
/// 2. each atom's type i.i.d. from the atom types' frequencies (over all training atoms);
/// 3. each of the n(n − 1)/2 pairs' bond i.i.d. from the bond types' frequencies over all pairs of atoms of one
///    training molecule (none, single, double, triple).
/// No valence, no connectivity, no correlation between atoms: what a model adds is measured against this.
public struct FrequencyBaseline: Sendable {
    public let statistics: MoleculeStatistics
    private let atomTypes: [AtomType]
    private let atomTypeCounts: [Int]

    public init(training graphs: [MoleculeGraph]) {
        let statistics = MoleculeStatistics(graphs)
        let types = statistics.atomTypeCounts.keys.sorted()
        self.statistics = statistics
        atomTypes = types
        atomTypeCounts = types.map { statistics.atomTypeCounts[$0]! }
    }

    /// `count` molecule graphs from the stream "frequency baseline" of `seed`.
    public func sample(_ count: Int, seed: UInt64) -> [MoleculeGraph] {
        var random = RandomSource(seed: seed).split("frequency baseline")
        return (0 ..< count).map { _ in
            let n = FrequencyBaseline.draw(statistics.atomCounts, &random)
            let atoms = (0 ..< n).map { _ in atomTypes[FrequencyBaseline.draw(atomTypeCounts, &random)] }
            var bonds: [MoleculeGraph.Bond] = []
            for i in 0 ..< n {
                for j in (i + 1) ..< n {
                    let type = BondType(rawValue: FrequencyBaseline.draw(statistics.bondTypeCounts, &random))!
                    if type != .none { bonds.append(MoleculeGraph.Bond(i, j, type)) }
                }
            }
            return MoleculeGraph(atoms: atoms, bonds: bonds)
        }
    }

    /// An index drawn with probability proportional to `counts` (exact: an integer below the total).
    static func draw(_ counts: [Int], _ random: inout RandomSource) -> Int {
        var remaining = random.int(below: counts.reduce(0, +))
        for (index, count) in counts.enumerated() {
            if remaining < count { return index }
            remaining -= count
        }
        fatalError("FrequencyBaseline.draw: unreachable")
    }
}
