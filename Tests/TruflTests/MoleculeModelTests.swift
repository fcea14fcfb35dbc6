import Foundation
import Testing
@testable import Trufl

// The molecule model (chapter 09): its batch layout, its ELBO's gradient against finite differences on a tiny
// molecule, finite log-densities, TRUFL's −∞ outside its supports, and sampling with and without Algorithm 2.

private let carbon = AtomType(atomicNumber: 6, formalCharge: 0)
private let nitrogen = AtomType(atomicNumber: 7, formalCharge: 0)
private let oxygen = AtomType(atomicNumber: 8, formalCharge: 0)
private let types = [carbon, nitrogen, oxygen]

/// Acetonitrile-like C–C≡N and an O=C–C, O (two atoms of three bonded): every bond category occurs.
private let tiny = [
    MoleculeGraph(atoms: [carbon, carbon, nitrogen], bonds: [.init(0, 1, .single), .init(1, 2, .triple)]),
    MoleculeGraph(atoms: [oxygen, carbon, carbon], bonds: [.init(0, 1, .double)]),
]
private let size = MoleculeModelSize(atomDimensions: 2, pairDimensions: 2, nodeCouplings: 1, edgeCouplings: 2,
                                     hidden: 4, graphLayers: 1, mixtures: 2)

private func model(_ kind: MoleculeDequantiserKind, seed: UInt64 = 1, activation: Activation = .relu) -> MoleculeModel {
    var random = RandomSource(seed: seed)
    return MoleculeModel(kind: kind, size: size, atomTypes: types, training: tiny, activation: activation, random: &random)
}

@Suite struct MoleculeModelTests {
    @Test func batchListsEveryPairOnceAndRebuildsItsMolecules() {
        let batch = MoleculeBatch(graphs: tiny, atomTypes: types)
        #expect(batch.atomCount == 6 && batch.pairCount == 6)
        #expect(batch.pairFirst == [0, 0, 1, 3, 3, 4] && batch.pairSecond == [1, 2, 2, 4, 5, 5])
        #expect(batch.atoms == [0, 0, 1, 2, 0, 0])
        #expect(batch.bonds == [1, 0, 3, 2, 0, 0])
        #expect(batch.moleculeOfPair == [0, 0, 0, 1, 1, 1] && batch.pairOffsets == [0, 3])
        // Attention over all atoms of a molecule: n(n − 1) directed edges each, none across molecules.
        #expect(batch.atomGraph.sources.count == 12)
        for (s, t) in zip(batch.atomGraph.sources, batch.atomGraph.targets) {
            #expect(s != t && batch.moleculeOfAtom[s] == batch.moleculeOfAtom[t])
        }
        for g in tiny.indices {
            let rebuilt = batch.graph(g, atoms: batch.atoms, bonds: batch.bonds, atomTypes: types)
            #expect(rebuilt.atoms == tiny[g].atoms && Set(rebuilt.bonds) == Set(tiny[g].bonds))
        }
    }

    @Test func graphsSurviveTheCellsJSON() throws {
        let data = try CellCoding.encoder.encode(tiny)
        #expect(try CellCoding.decoder.decode([MoleculeGraph].self, from: data) == tiny)
        #expect(String(decoding: data, as: UTF8.self).hasPrefix("[{\"atoms\":[[6,0],[6,0],[7,0]],\"bonds\":[[0,1,1],[1,2,3]]}"))
    }

    @Test(arguments: MoleculeDequantiserKind.allCases)
    func elboGradientMatchesFiniteDifferences(kind: MoleculeDequantiserKind) {
        // tanh conditioners: a ReLU's kink inside a finite difference's step is not a wrong gradient.
        let m = model(kind, activation: .tanh)
        let batch = MoleculeBatch(graphs: tiny, atomTypes: types)
        var random = RandomSource(seed: 9)
        let noise = m.noise(batch, using: &random)
        // TRUFL's training objective (soft indicator) is smooth; its hard indicator jumps where a support ends.
        let indicator: SupportIndicator = kind == .trufl ? .soft(temperature: 0.5) : .hard
        let result = checkGradients([], parameters: m.parameters, step: 3e-3) { tape, _ in
            m.elbo(batch, on: tape, indicator: indicator, noise: noise).elbo
        }
        #expect(result.checked == m.parameters.scalarCount)
        #expect(result.passed, "\(kind): \(result)")
    }

    @Test(arguments: MoleculeDequantiserKind.allCases)
    func logDensitiesAreFinite(kind: MoleculeDequantiserKind) {
        let m = model(kind, seed: 2)
        let batch = MoleculeBatch(graphs: tiny, atomTypes: types)
        var random = RandomSource(seed: 3)
        for _ in 0..<5 {
            let terms = m.elbo(batch, on: Tape(), using: &random)
            #expect(terms.reconstruction.value.scalars.allSatisfy { $0.isFinite && $0 <= 1e-5 }, "\(kind)")
            #expect(terms.priorMinusPosterior.value.scalars.allSatisfy { $0.isFinite }, "\(kind)")
        }
        // The priors' densities of their own draws.
        let sizes = MoleculeBatch(atomCounts: [3, 4])
        let zV = m.nodePrior.sample(graph: sizes.atomGraph, using: &random)
        let zE = m.edgePrior.sample(atoms: zV, batch: sizes, using: &random)
        let tape = Tape()
        let logNode = m.nodePrior.logDensity(tape.constant(zV), graph: sizes.atomGraph).value.scalars
        let logEdge = m.edgePrior.logDensity(tape.constant(zE), atoms: tape.constant(zV), batch: sizes).value.scalars
        #expect(logNode.count == 2 && logEdge.count == 2)
        #expect((logNode + logEdge).allSatisfy { $0.isFinite }, "\(kind): \(logNode) \(logEdge)")
    }

    @Test func truflCategoryOutsideItsSupportIsMinusInfinityNeverNaN() {
        let m = model(.trufl, seed: 4)
        let bonds = m.bondDequantiser as! TRUFLDequantiser
        // Far beyond every window's end (each window ends inside F⁻¹ of (0, 1), scaled by at most e and shifted).
        let outside = Tensor(shape: [2, 2], scalars: [1e4, -1e4, -1e4, 1e4])
        let tape = Tape()
        let logQ = bonds.logDensities(tape.constant(outside), indicator: .hard).value.scalars
        #expect(logQ.allSatisfy { $0 == -.infinity }, "\(logQ)")
        let posterior = bonds.logPosterior(tape.constant(outside), marginal: m.bondMarginal).value.scalars
        #expect(posterior.allSatisfy { $0 == -.infinity }, "\(posterior)")
        // A draw inside its own support: the other categories are −∞ or finite, never NaN, its own finite.
        var random = RandomSource(seed: 5)
        let draw = bonds.sample([0, 1, 2, 3], on: tape, using: &random)
        let own = bonds.logDensities(draw.z, indicator: .hard).value
        for row in 0..<4 {
            #expect(own.scalars[row * 4 + row].isFinite)
            #expect((0..<4).allSatisfy { !own.scalars[row * 4 + $0].isNaN })
        }
        // The soft indicator's gradient at a z outside every support is finite.
        let z = tape.variable(outside)
        bonds.logDensities(z, indicator: .soft(temperature: 0.02)).sum().backward()
        #expect(z.grad.scalars.allSatisfy { !$0.isNaN })
        // Without rejection every row still gets a category (Eq. 2 without the indicators).
        let decoded = CategoryDecoding.decode(outside, dequantiser: bonds, marginal: m.bondMarginal)
        #expect(decoded.allSatisfy { (0..<4).contains($0) })
        #expect(CategoryDecoding.inSupport(outside, dequantiser: bonds) == [false, false])
    }

    @Test func samplingDrawsTrainingSizesAndRejectsOnlyOutsideTheSupports() {
        let m = model(.trufl, seed: 6)
        var random = RandomSource(seed: 7)
        let plain = m.sample(12, decoding: .oneDraw, chunk: 5, using: &random)
        #expect(plain.graphs.count == 12 && plain.attempts == Array(repeating: 1, count: 12) && plain.capped == 0)
        #expect(plain.graphs.allSatisfy { $0.atoms.count == 3 && $0.atoms.allSatisfy { types.contains($0) } })
        let fractions = plain.firstDrawInSupport!
        #expect((0...1).contains(fractions.atoms) && (0...1).contains(fractions.pairs))
        let rejected = m.sample(12, decoding: .rejection(maxAttempts: 4), chunk: 5, using: &random)
        #expect(rejected.graphs.count == 12)
        #expect(rejected.attempts.allSatisfy { (1...4).contains($0) })
        #expect(rejected.capped <= rejected.attempts.filter { $0 == 4 }.count)
        let draws = rejected.attempts.reduce(0, +)
        #expect(abs(rejected.rejectionRate - Double(draws - 12 + rejected.capped) / Double(draws)) < 1e-12)
        // CatNF's supports are everything: nothing is ever rejected.
        let catnf = model(.catnf, seed: 8).sample(6, decoding: .rejection(maxAttempts: 3), using: &random)
        #expect(catnf.attempts == Array(repeating: 1, count: 6) && catnf.capped == 0 && catnf.firstDrawInSupport == nil)
    }
}
