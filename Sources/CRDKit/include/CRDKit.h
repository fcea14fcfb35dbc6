// A C interface to the few calls of RDKit (Debian's librdkit-dev, C++) that the molecule task needs: parsing SMILES,
// sanitising (valence) with RDKit's verdict and reason, kekulising, canonical SMILES, the largest fragment, building
// a molecule from atoms and bonds, and drawing a grid of molecules as SVG. The Swift side sees only this header: no
// C++ crosses it. Every function catches RDKit's exceptions and reports them as a message.
//
// Ownership: a `CRDKitMolecule *` returned by a function belongs to the caller (crdkit_molecule_free); a `char *`
// returned, or written through an `error`/`reason` argument, belongs to the caller (crdkit_string_free).
#ifndef CRDKIT_H
#define CRDKIT_H

#ifdef __cplusplus
extern "C" {
#endif

/// An RDKit molecule (RDKit::RWMol), opaque.
typedef struct CRDKitMolecule CRDKitMolecule;

/// Bond orders across the interface (RDKit::Bond::BondType restricted to what the task uses).
enum {
    CRDKIT_BOND_OTHER = 0,
    CRDKIT_BOND_SINGLE = 1,
    CRDKIT_BOND_DOUBLE = 2,
    CRDKIT_BOND_TRIPLE = 3,
    CRDKIT_BOND_AROMATIC = 4,
};

/// RDKit's version string ("2022.09.3"), static.
const char *crdkit_version(void);

void crdkit_molecule_free(CRDKitMolecule *molecule);
void crdkit_string_free(char *string);

/// Parses SMILES without sanitising it. NULL, with the parser's message in `*error`, when the text is not SMILES.
CRDKitMolecule *crdkit_molecule_from_smiles(const char *smiles, char **error);

/// RDKit's sanitisation (MolOps::sanitizeMol: valence, kekulisation, aromaticity, conjugation, hybridisation), in
/// place. 1 when the molecule passes; 0 when RDKit rejects it, with its reason in `*reason`.
int crdkit_molecule_sanitise(CRDKitMolecule *molecule, char **reason);

/// Kekulises in place and clears the aromatic flags, so that every bond is single, double or triple. 1 on success;
/// 0 with the reason otherwise.
int crdkit_molecule_kekulise(CRDKitMolecule *molecule, char **reason);

/// RDKit's canonical SMILES (MolToSmiles); `isomeric` keeps stereochemistry. NULL, with the message, on failure.
char *crdkit_molecule_canonical_smiles(const CRDKitMolecule *molecule, int isomeric, char **error);

int crdkit_molecule_atom_count(const CRDKitMolecule *molecule);
/// Atom `index`: its atomic number, formal charge, and the hydrogens written on it in the SMILES ([NH+] has 1).
void crdkit_molecule_atom(const CRDKitMolecule *molecule, int index, int *atomicNumber, int *formalCharge,
                          int *explicitHydrogens);
int crdkit_molecule_bond_count(const CRDKitMolecule *molecule);
/// Bond `index`: its two atoms and its order (CRDKIT_BOND_*).
void crdkit_molecule_bond(const CRDKitMolecule *molecule, int index, int *begin, int *end, int *order);

/// The number of connected pieces (RDKit's fragments); −1 if RDKit fails.
int crdkit_molecule_fragment_count(const CRDKitMolecule *molecule);

/// A copy of the fragment with the most atoms (the first such fragment on a tie: the one holding the lowest atom
/// index), not sanitised, so that it can be judged on its own. NULL if RDKit fails.
CRDKitMolecule *crdkit_molecule_largest_fragment(const CRDKitMolecule *molecule);

/// A molecule from a graph: atoms (atomic number, formal charge; hydrogens left implicit, for sanitisation to
/// infer) and bonds (two atom indices and CRDKIT_BOND_SINGLE/DOUBLE/TRIPLE), not sanitised. NULL, with the message,
/// when an index or an order is out of range or an element is unknown.
CRDKitMolecule *crdkit_molecule_build(int atomCount, const int *atomicNumbers, const int *formalCharges,
                                      int bondCount, const int *bondBegins, const int *bondEnds,
                                      const int *bondOrders, char **error);

/// A grid of molecules drawn by RDKit (MolDraw2DSVG, text as SVG text rather than glyph outlines), `columns` wide,
/// each panel `panelWidth` × `panelHeight`, with an optional legend per molecule (NULL or NULL entries for none).
/// The molecules should be sanitised. NULL, with the message, on failure.
char *crdkit_draw_grid_svg(const CRDKitMolecule *const *molecules, int count, const char *const *legends,
                           int columns, int panelWidth, int panelHeight, char **error);

/// The element symbol of an atomic number ("Cl" for 17), static; NULL when RDKit knows no such element.
const char *crdkit_element_symbol(int atomicNumber);

#ifdef __cplusplus
}
#endif

#endif
