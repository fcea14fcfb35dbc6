// RDKit's verdict on a molecule: sanitisation (valence first) and kekulisation, with RDKit's own reason when it
// rejects one. Validity in the paper's Table 2 is this verdict (CatNF's evaluation calls RDKit's sanitisation).
#include "MoleculeHandle.hpp"

#include "include/CRDKit.h"

#include <GraphMol/MolOps.h>

#include <exception>

extern "C" {

int crdkit_molecule_sanitise(CRDKitMolecule *molecule, char **reason) {
    crdkit::silenceLogs();
    try {
        unsigned int failedOperation = 0;
        RDKit::MolOps::sanitizeMol(molecule->molecule, failedOperation);
        return 1;
    } catch (const std::exception &exception) {
        crdkit::report(reason, exception.what());
        return 0;
    }
}

int crdkit_molecule_kekulise(CRDKitMolecule *molecule, char **reason) {
    crdkit::silenceLogs();
    try {
        RDKit::MolOps::Kekulize(molecule->molecule, /*markAtomsBonds=*/true);
        return 1;
    } catch (const std::exception &exception) {
        crdkit::report(reason, exception.what());
        return 0;
    }
}

}  // extern "C"
