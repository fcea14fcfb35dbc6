import Testing
@testable import Trufl

// The paper's molecule metrics on samples whose answers are known, and the frequency baseline's draws.

private let carbon = AtomType(atomicNumber: 6, formalCharge: 0)
private let oxygen = AtomType(atomicNumber: 8, formalCharge: 0)

private func chain(_ atoms: [AtomType], offset: Int = 0) -> [MoleculeGraph.Bond] {
    (1 ..< atoms.count).map { MoleculeGraph.Bond(offset + $0 - 1, offset + $0, .single) }
}

private let ethanol = MoleculeGraph(atoms: [carbon, carbon, oxygen], bonds: chain([carbon, carbon, oxygen]))
private let propane = MoleculeGraph(atoms: [carbon, carbon, carbon], bonds: chain([carbon, carbon, carbon]))
/// A carbon bonded to five carbons.
private let pentavalent = MoleculeGraph(atoms: Array(repeating: carbon, count: 6),
                                        bonds: (1 ... 5).map { .init(0, $0, .single) })
/// Ethanol and, apart from it, methane.
private let ethanolAndMethane = MoleculeGraph(atoms: [carbon, carbon, oxygen, carbon],
                                              bonds: chain([carbon, carbon, oxygen]))

@Test func metricsCountWhatRDKitSays() {
    let samples = [ethanol, ethanol, propane, pentavalent, ethanolAndMethane]
    let metrics = MoleculeMetrics(samples: samples, trainingCanonicalSMILES: ["CCO"])
    #expect(metrics.sampleCount == 5)
    #expect(metrics.validCount == 3)                 // two ethanols and propane
    #expect(metrics.largestFragmentValidCount == 4)  // and ethanol out of ethanol + methane
    #expect(metrics.uniqueCount == 2)                // CCO, CCC
    #expect(metrics.novelCount == 1)                 // CCC
    #expect(metrics.validity == 0.6 && metrics.largestFragmentValidity == 0.8)
    #expect(metrics.uniqueness == 2.0 / 3.0 && metrics.novelty == 1.0 / 3.0)
    #expect(metrics.verdicts[4].verdict == .rejected(reason: "2 pieces"))
    #expect(metrics.verdicts[4].largestFragmentSMILES == "CCO")
    #expect(!metrics.verdicts[3].verdict.isValid && !metrics.verdicts[3].largestFragmentValid)
}

@Test func noValidSampleLeavesUniquenessAndNoveltyUndefined() {
    let metrics = MoleculeMetrics(samples: [pentavalent, MoleculeGraph(atoms: [], bonds: [])],
                                  trainingCanonicalSMILES: [])
    #expect(metrics.validCount == 0)
    #expect(metrics.uniqueness.isNaN && metrics.novelty.isNaN)
}

@Test func statisticsCountAtomsAndEveryPairsBond() {
    let statistics = MoleculeStatistics([ethanol, propane, ethanolAndMethane])
    #expect(statistics.atomCounts[3] == 2 && statistics.atomCounts[4] == 1)
    #expect(statistics.atomTypeCounts[carbon] == 8 && statistics.atomTypeCounts[oxygen] == 2)
    // Pairs: 3 + 3 + 6 = 12, of which 2 + 2 + 2 single bonds.
    #expect(statistics.bondTypeCounts == [6, 6, 0, 0])
}

@Test func theFrequencyBaselineIsSeededAndDrawsTheTrainingFrequencies() {
    let training = [ethanol, propane, ethanolAndMethane]
    let baseline = FrequencyBaseline(training: training)
    let samples = baseline.sample(4000, seed: 7)
    #expect(samples == baseline.sample(4000, seed: 7))
    #expect(samples != baseline.sample(4000, seed: 8))
    // Atom counts from {3, 3, 4}; atom types 8/10 carbon; each pair bonded with probability 1/2.
    let sizes = samples.map(\.atoms.count)
    #expect(Set(sizes) == [3, 4])
    func within(_ count: Int, of total: Int, p: Double) -> Bool {
        let standardError = (p * (1 - p) / Double(total)).squareRoot()
        return abs(Double(count) / Double(total) - p) < 5 * standardError
    }
    #expect(within(sizes.filter { $0 == 4 }.count, of: samples.count, p: 1.0 / 3.0))
    let atoms = samples.flatMap(\.atoms)
    #expect(within(atoms.filter { $0 == carbon }.count, of: atoms.count, p: 8.0 / 10.0))
    let pairs = sizes.map { $0 * ($0 - 1) / 2 }.reduce(0, +)
    #expect(within(samples.map(\.bonds.count).reduce(0, +), of: pairs, p: 0.5))
    #expect(samples.allSatisfy { $0.bonds.allSatisfy { $0.type == .single && $0.first < $0.second } })
}
