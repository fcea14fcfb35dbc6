// A molecule as a graph: built from atoms and bonds (what a model samples), and cut to its largest connected piece
// (the paper's "validity of the largest sub-graph").
#include "MoleculeHandle.hpp"

#include "include/CRDKit.h"

#include <GraphMol/MolOps.h>

#include <exception>
#include <memory>
#include <vector>

extern "C" {

CRDKitMolecule *crdkit_molecule_build(int atomCount, const int *atomicNumbers, const int *formalCharges,
                                      int bondCount, const int *bondBegins, const int *bondEnds,
                                      const int *bondOrders, char **error) {
    crdkit::silenceLogs();
    try {
        std::unique_ptr<CRDKitMolecule> result(new CRDKitMolecule());
        RDKit::RWMol &molecule = result->molecule;
        for (int index = 0; index < atomCount; ++index) {
            if (atomicNumbers[index] < 1 || atomicNumbers[index] > 118) {
                crdkit::report(error, "atom " + std::to_string(index) + " has atomic number " +
                                          std::to_string(atomicNumbers[index]));
                return nullptr;
            }
            RDKit::Atom atom(atomicNumbers[index]);
            atom.setFormalCharge(formalCharges[index]);
            molecule.addAtom(&atom, /*updateLabel=*/true, /*takeOwnership=*/false);
        }
        for (int index = 0; index < bondCount; ++index) {
            const int begin = bondBegins[index], end = bondEnds[index];
            if (begin < 0 || begin >= atomCount || end < 0 || end >= atomCount || begin == end) {
                crdkit::report(error, "bond " + std::to_string(index) + " joins atoms " + std::to_string(begin) +
                                          " and " + std::to_string(end) + " of " + std::to_string(atomCount));
                return nullptr;
            }
            RDKit::Bond::BondType type;
            switch (bondOrders[index]) {
                case CRDKIT_BOND_SINGLE: type = RDKit::Bond::SINGLE; break;
                case CRDKIT_BOND_DOUBLE: type = RDKit::Bond::DOUBLE; break;
                case CRDKIT_BOND_TRIPLE: type = RDKit::Bond::TRIPLE; break;
                default:
                    crdkit::report(error, "bond " + std::to_string(index) + " has order " +
                                              std::to_string(bondOrders[index]));
                    return nullptr;
            }
            if (molecule.getBondBetweenAtoms(begin, end) != nullptr) {
                crdkit::report(error, "atoms " + std::to_string(begin) + " and " + std::to_string(end) +
                                          " are bonded twice");
                return nullptr;
            }
            molecule.addBond(static_cast<unsigned int>(begin), static_cast<unsigned int>(end), type);
        }
        molecule.updatePropertyCache(false);
        return result.release();
    } catch (const std::exception &exception) {
        crdkit::report(error, exception.what());
        return nullptr;
    }
}

int crdkit_molecule_fragment_count(const CRDKitMolecule *molecule) {
    crdkit::silenceLogs();
    try {
        std::vector<int> mapping;
        return static_cast<int>(RDKit::MolOps::getMolFrags(molecule->molecule, mapping));
    } catch (const std::exception &) {
        return -1;
    }
}

CRDKitMolecule *crdkit_molecule_largest_fragment(const CRDKitMolecule *molecule) {
    crdkit::silenceLogs();
    try {
        std::vector<std::vector<int>> fragments;
        RDKit::MolOps::getMolFrags(molecule->molecule, fragments);
        if (fragments.size() <= 1) return new CRDKitMolecule{molecule->molecule};
        size_t largest = 0;
        for (size_t index = 1; index < fragments.size(); ++index) {
            if (fragments[index].size() > fragments[largest].size()) largest = index;
        }
        // Remove every atom outside the largest fragment, from the highest index down so the others keep theirs.
        std::vector<bool> keep(molecule->molecule.getNumAtoms(), false);
        for (int atom : fragments[largest]) keep[static_cast<size_t>(atom)] = true;
        std::unique_ptr<CRDKitMolecule> result(new CRDKitMolecule{molecule->molecule});
        result->molecule.beginBatchEdit();
        for (size_t atom = keep.size(); atom-- > 0;) {
            if (!keep[atom]) result->molecule.removeAtom(static_cast<unsigned int>(atom));
        }
        result->molecule.commitBatchEdit();
        result->molecule.updatePropertyCache(false);
        return result.release();
    } catch (const std::exception &) {
        return nullptr;
    }
}

}  // extern "C"
