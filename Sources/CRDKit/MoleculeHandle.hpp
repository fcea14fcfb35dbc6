// What the C++ files of the C interface share: the opaque handle's definition and the passing of strings and
// messages across the interface.
#ifndef CRDKIT_MOLECULE_HANDLE_HPP
#define CRDKIT_MOLECULE_HANDLE_HPP

#include "BoostEnumsForClang.hpp"

#include <GraphMol/RWMol.h>

#include <string>

struct CRDKitMolecule {
    RDKit::RWMol molecule;
};

namespace crdkit {

/// A malloc'd copy of `text`, for the caller to free with crdkit_string_free.
char *copyString(const std::string &text);

/// Writes `message` through `out` when the caller asked for it.
void report(char **out, const std::string &message);

/// RDKit writes its errors (a SMILES that does not parse, a valence it rejects) to standard error as well as
/// throwing them; the interface returns them instead, so the logs are switched off once, before the first call.
void silenceLogs();

}  // namespace crdkit

#endif
