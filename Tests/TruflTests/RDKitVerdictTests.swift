import Testing
@testable import Trufl

// RDKit's verdicts, through the package's C interface, on molecules whose answer a chemist knows.

private func sanitised(_ smiles: String) throws -> (Molecule, SanitisationVerdict) {
    let molecule = try Molecule(smiles: smiles)
    return (molecule, molecule.sanitise())
}

@Test func rdkitIsTheDebianVersion() {
    #expect(Molecule.rdkitVersion == "2022.09.3")
}

@Test func ethanolIsValid() throws {
    let (molecule, verdict) = try sanitised("OCC")
    #expect(verdict == .valid)
    #expect(try molecule.canonicalSMILES() == "CCO")
    #expect(molecule.atoms.map(\.type.description) == ["O", "C", "C"])
}

@Test func pentavalentCarbonIsRejectedWithRDKitsReason() throws {
    let (_, verdict) = try sanitised("CC(C)(C)(C)C")
    guard case let .rejected(reason) = verdict else {
        Issue.record("RDKit accepted a carbon with five bonds")
        return
    }
    #expect(reason.contains("Explicit valence for atom # 1 C, 5, is greater than permitted"), "\(reason)")
}

@Test func chargedNitrogenIsAcceptedAndNeutralTetravalentNitrogenIsNot() throws {
    #expect(try sanitised("C[N+](C)(C)C").1 == .valid)
    #expect(try sanitised("CN(C)(C)C").1 != .valid)
    // ZINC's protonated amine: [NH+] keeps its hydrogen in the SMILES.
    let (amine, verdict) = try sanitised("CC[NH+](CC)CC")
    #expect(verdict == .valid)
    #expect(amine.atoms[2].type == AtomType(atomicNumber: 7, formalCharge: 1))
    #expect(amine.atoms[2].explicitHydrogens == 1)
}

@Test func twoSpellingsOfOneMoleculeHaveOneCanonicalSMILES() throws {
    #expect(try sanitised("OCC").0.canonicalSMILES() == sanitised("C(O)C").0.canonicalSMILES())
    // Kekulé and aromatic spellings of toluene.
    let kekule = try sanitised("CC1=CC=CC=C1").0.canonicalSMILES()
    let aromatic = try sanitised("c1ccccc1C").0.canonicalSMILES()
    #expect(kekule == aromatic)
    #expect(kekule == "Cc1ccccc1")
    #expect(try sanitised("CCO").0.canonicalSMILES() != sanitised("COC").0.canonicalSMILES())
}

@Test func stereochemistryIsKeptOnlyWhenAskedFor() throws {
    let (molecule, _) = try sanitised("C[C@H](N)O")
    #expect(try molecule.canonicalSMILES(isomeric: true).contains("@"))
    #expect(try molecule.canonicalSMILES() == "CC(N)O")
}

@Test func largestFragmentOfASaltIsTheOrganicIon() throws {
    let (salt, verdict) = try sanitised("[Na+].CC(=O)[O-]")
    #expect(verdict == .valid)
    #expect(salt.fragmentCount == 2)
    let largest = salt.largestFragment()
    #expect(largest.fragmentCount == 1)
    #expect(largest.sanitise() == .valid)
    #expect(try largest.canonicalSMILES() == "CC(=O)[O-]")
}

@Test func unparsableSMILESThrowsWithTheText() {
    #expect(throws: MoleculeError.self) { try Molecule(smiles: "C1CC(") }
    do {
        _ = try Molecule(smiles: "C1CC(")
    } catch {
        #expect("\(error)".contains("C1CC("))
    }
}

@Test func kekulisedBenzeneAlternatesSingleAndDoubleBonds() throws {
    let (benzene, _) = try sanitised("c1ccccc1")
    #expect(benzene.bonds.allSatisfy { $0.order == 4 })  // aromatic before
    try benzene.kekulise()
    let graph = try MoleculeGraph(kekulised: benzene, smiles: "c1ccccc1")
    #expect(graph.bonds.filter { $0.type == .single }.count == 3)
    #expect(graph.bonds.filter { $0.type == .double }.count == 3)
}

@Test func aGraphBuildsTheMoleculeItDescribes() throws {
    let carbon = AtomType(atomicNumber: 6, formalCharge: 0), oxygen = AtomType(atomicNumber: 8, formalCharge: 0)
    // Acetic acid, heavy atoms only: RDKit infers the hydrogens.
    let graph = MoleculeGraph(atoms: [carbon, carbon, oxygen, oxygen],
                              bonds: [.init(0, 1, .single), .init(1, 2, .double), .init(1, 3, .single)])
    let molecule = try Molecule(graph)
    #expect(molecule.sanitise() == .valid)
    #expect(try molecule.canonicalSMILES() == "CC(=O)O")
    #expect(graph.bond(2, 1) == .double)
    #expect(graph.bond(0, 2) == .none)
}

@Test func aGraphWithABadBondIsAClearError() {
    let carbon = AtomType(atomicNumber: 6, formalCharge: 0)
    let graph = MoleculeGraph(atoms: [carbon, carbon], bonds: [.init(0, 5, .single)])
    #expect(throws: MoleculeError.self) { try Molecule(graph) }
}

@Test func atomTypesReadAsZINCWritesThem() {
    #expect(AtomType(atomicNumber: 17, formalCharge: 0).description == "Cl")
    #expect(AtomType(atomicNumber: 7, formalCharge: 1).description == "N+")
    #expect(AtomType(atomicNumber: 8, formalCharge: -1).description == "O-")
    #expect(AtomType(atomicNumber: 7, formalCharge: 0) < AtomType(atomicNumber: 7, formalCharge: 1))
}

@Test func aGridOfMoleculesIsDrawnAsSVG() throws {
    let molecules = try ["CCO", "c1ccccc1"].map { smiles -> Molecule in
        let molecule = try Molecule(smiles: smiles)
        molecule.sanitise()
        return molecule
    }
    let svg = try MoleculeGrid.svg(molecules, legends: ["ethanol", "benzene"], columns: 2, panel: (200, 150))
    #expect(svg.contains("<svg"))
    #expect(svg.contains("width='400px' height='150px'"))
    #expect(svg.contains("ethanol") || svg.contains(">e<"))
}
