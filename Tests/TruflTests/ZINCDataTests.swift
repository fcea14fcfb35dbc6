import Foundation
import Testing
@testable import Trufl

// The 5,000 ZINC250k molecules (`make data` fetches them): read by RDKit, within the task's limits, and every one
// rebuilt from its graph into the same molecule.

private let zinc: MoleculeDataset = {
    do { return try MoleculeDataset.zinc() } catch { fatalError("\(error)") }
}()

@Test func theSampleHoldsFiveThousandMoleculesWithinTheTask() {
    #expect(zinc.count == 5000)
    #expect(zinc.graphs.allSatisfy { !$0.atoms.isEmpty && $0.atoms.count <= MoleculeDataset.maximumAtoms })
    // The paper's elements (CatNF's ZINC250k): C, N, O, F, P, S, Cl, Br, I.
    #expect(Set(zinc.atomTypes.map(\.element)).isSubset(of: ["C", "N", "O", "F", "P", "S", "Cl", "Br", "I"]))
}

@Test func moleculesThatShareACanonicalSMILESAreStereoisomers() throws {
    // Without stereochemistry (the graphs carry none) two ZINC molecules can read the same; with it, none do.
    var byCanonical: [String: [Int]] = [:]
    for (index, smiles) in zinc.canonicalSMILES.enumerated() { byCanonical[smiles, default: []].append(index) }
    let shared = byCanonical.values.filter { $0.count > 1 }
    for indices in shared {
        let isomeric = try indices.map { index -> String in
            let molecule = try Molecule(smiles: zinc.smiles[index])
            molecule.sanitise()
            return try molecule.canonicalSMILES(isomeric: true)
        }
        #expect(Set(isomeric).count == indices.count, "\(indices.map { zinc.smiles[$0] })")
    }
}

@Test func everyMoleculeRoundTripsThroughItsGraph() {
    // graph → RDKit molecule → sanitised → canonical SMILES, equal to the input's canonical SMILES.
    var failures: [String] = []
    for (index, graph) in zinc.graphs.enumerated() {
        let verdict = MoleculeMetrics.judge(graph)
        if verdict.canonicalSMILES != zinc.canonicalSMILES[index] {
            failures.append("\(zinc.smiles[index]): \(verdict.verdict), \(verdict.canonicalSMILES ?? "no SMILES")")
        }
    }
    #expect(failures.isEmpty, "\(failures.count) molecules do not round-trip: \(failures.prefix(5))")
}

@Test func theTrainingMoleculesAreValidUniqueAndNotNovel() {
    let split = MoleculeSplit(count: zinc.count, validationCount: 500, seed: 1)
    let training = zinc.subset(split.training)
    let metrics = MoleculeMetrics(samples: training.graphs, trainingCanonicalSMILES: Set(training.canonicalSMILES))
    #expect(metrics.validCount == training.count)
    #expect(metrics.largestFragmentValidCount == training.count)
    #expect(metrics.uniqueCount == Set(training.canonicalSMILES).count)
    #expect(metrics.novelCount == 0)
}

@Test func theSplitIsSeededAndDisjoint() {
    let split = MoleculeSplit(count: 5000, validationCount: 500, seed: 1)
    #expect(split.training.count == 4500 && split.validation.count == 500)
    #expect(Set(split.training).isDisjoint(with: split.validation))
    #expect(Set(split.training + split.validation) == Set(0 ..< 5000))
    #expect(MoleculeSplit(count: 5000, validationCount: 500, seed: 1).validation == split.validation)
    #expect(MoleculeSplit(count: 5000, validationCount: 500, seed: 2).validation != split.validation)
}

@Test func aMissingDataFileNamesTheCommandThatFetchesIt() throws {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("no-such-\(UInt64.random(in: 0 ... .max)).smi").path
    do {
        _ = try ZINCSample.smiles(at: path)
        Issue.record("a missing file was read")
    } catch {
        #expect("\(error)".contains(path))
        #expect("\(error)".contains("make data"))
    }
}

@Test func aDamagedDataFileNamesTheCommandThatFetchesIt() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ZINCSample.path)))
    bytes[1000] ^= 1
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("damaged-\(UInt64.random(in: 0 ... .max)).smi")
    try Data(bytes).write(to: path)
    defer { try? FileManager.default.removeItem(at: path) }
    do {
        _ = try ZINCSample.smiles(at: path.path)
        Issue.record("a damaged file was read")
    } catch {
        #expect("\(error)".contains("damaged"))
        #expect("\(error)".contains("make data"))
    }
}
