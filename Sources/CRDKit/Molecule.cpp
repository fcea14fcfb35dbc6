// The handle's life, its atoms and bonds, the element table and RDKit's version.
#include "MoleculeHandle.hpp"

#include "include/CRDKit.h"

#include <GraphMol/PeriodicTable.h>
#include <RDGeneral/RDLog.h>
#include <RDGeneral/versions.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace crdkit {

char *copyString(const std::string &text) {
    char *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (copy != nullptr) std::memcpy(copy, text.c_str(), text.size() + 1);
    return copy;
}

void report(char **out, const std::string &message) {
    if (out != nullptr) *out = copyString(message);
}

void silenceLogs() {
    static std::once_flag once;
    std::call_once(once, [] { boost::logging::disable_logs("rdApp.*"); });
}

}  // namespace crdkit

extern "C" {

const char *crdkit_version(void) { return RDKit::rdkitVersion; }

void crdkit_molecule_free(CRDKitMolecule *molecule) { delete molecule; }

void crdkit_string_free(char *string) { std::free(string); }

int crdkit_molecule_atom_count(const CRDKitMolecule *molecule) {
    return static_cast<int>(molecule->molecule.getNumAtoms());
}

void crdkit_molecule_atom(const CRDKitMolecule *molecule, int index, int *atomicNumber, int *formalCharge,
                          int *explicitHydrogens) {
    const RDKit::Atom *atom = molecule->molecule.getAtomWithIdx(static_cast<unsigned int>(index));
    *atomicNumber = atom->getAtomicNum();
    *formalCharge = atom->getFormalCharge();
    *explicitHydrogens = static_cast<int>(atom->getNumExplicitHs());
}

int crdkit_molecule_bond_count(const CRDKitMolecule *molecule) {
    return static_cast<int>(molecule->molecule.getNumBonds());
}

void crdkit_molecule_bond(const CRDKitMolecule *molecule, int index, int *begin, int *end, int *order) {
    const RDKit::Bond *bond = molecule->molecule.getBondWithIdx(static_cast<unsigned int>(index));
    *begin = static_cast<int>(bond->getBeginAtomIdx());
    *end = static_cast<int>(bond->getEndAtomIdx());
    switch (bond->getBondType()) {
        case RDKit::Bond::SINGLE: *order = CRDKIT_BOND_SINGLE; break;
        case RDKit::Bond::DOUBLE: *order = CRDKIT_BOND_DOUBLE; break;
        case RDKit::Bond::TRIPLE: *order = CRDKIT_BOND_TRIPLE; break;
        case RDKit::Bond::AROMATIC: *order = CRDKIT_BOND_AROMATIC; break;
        default: *order = CRDKIT_BOND_OTHER; break;
    }
}

const char *crdkit_element_symbol(int atomicNumber) {
    // RDKit returns the symbol by value: the table is copied once, so that the pointers handed out stay valid.
    static const std::vector<std::string> symbols = [] {
        std::vector<std::string> result(119);
        const RDKit::PeriodicTable *table = RDKit::PeriodicTable::getTable();
        for (unsigned int number = 1; number < result.size(); ++number) {
            try {
                result[number] = table->getElementSymbol(number);
            } catch (...) {
            }
        }
        return result;
    }();
    if (atomicNumber < 1 || atomicNumber >= static_cast<int>(symbols.size())) return nullptr;
    const std::string &symbol = symbols[static_cast<size_t>(atomicNumber)];
    return symbol.empty() ? nullptr : symbol.c_str();
}

}  // extern "C"
