// SMILES in (RDKit's parser, without sanitising, so that the verdict is asked for separately) and out (RDKit's
// canonical SMILES: one string per molecule, what uniqueness and novelty compare).
#include "MoleculeHandle.hpp"

#include "include/CRDKit.h"

#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <exception>
#include <memory>

extern "C" {

CRDKitMolecule *crdkit_molecule_from_smiles(const char *smiles, char **error) {
    crdkit::silenceLogs();
    try {
        RDKit::SmilesParserParams parameters;
        parameters.sanitize = false;
        std::unique_ptr<RDKit::RWMol> parsed(RDKit::SmilesToMol(smiles, parameters));
        if (!parsed) {
            crdkit::report(error, std::string("RDKit cannot parse the SMILES '") + smiles + "'");
            return nullptr;
        }
        // Without sanitisation the parser leaves the atoms' implicit valences uncomputed; writing SMILES needs
        // them whether or not the molecule is sanitised later (no check here: that is the verdict's job).
        parsed->updatePropertyCache(false);
        return new CRDKitMolecule{*parsed};
    } catch (const std::exception &exception) {
        crdkit::report(error, exception.what());
        return nullptr;
    }
}

char *crdkit_molecule_canonical_smiles(const CRDKitMolecule *molecule, int isomeric, char **error) {
    crdkit::silenceLogs();
    try {
        return crdkit::copyString(RDKit::MolToSmiles(molecule->molecule, isomeric != 0));
    } catch (const std::exception &exception) {
        crdkit::report(error, exception.what());
        return nullptr;
    }
}

}  // extern "C"
