// A grid of molecules drawn as structures by RDKit's SVG drawer: what a chemist looks at.
#include "MoleculeHandle.hpp"

#include "include/CRDKit.h"

#include <GraphMol/MolDraw2D/MolDraw2DSVG.h>

#include <exception>
#include <string>
#include <vector>

extern "C" {

char *crdkit_draw_grid_svg(const CRDKitMolecule *const *molecules, int count, const char *const *legends,
                           int columns, int panelWidth, int panelHeight, char **error) {
    crdkit::silenceLogs();
    try {
        if (count <= 0 || columns <= 0) {
            crdkit::report(error, "a grid needs at least one molecule and one column");
            return nullptr;
        }
        const int rows = (count + columns - 1) / columns;
        // Copies: drawing computes 2D coordinates and writes them into the molecule.
        std::vector<RDKit::ROMol> copies;
        copies.reserve(static_cast<size_t>(count));
        for (int index = 0; index < count; ++index) copies.emplace_back(molecules[index]->molecule);
        std::vector<RDKit::ROMol *> pointers;
        std::vector<std::string> texts;
        for (int index = 0; index < count; ++index) {
            pointers.push_back(&copies[static_cast<size_t>(index)]);
            texts.emplace_back(legends != nullptr && legends[index] != nullptr ? legends[index] : "");
        }
        // noFreetype: letters as SVG text, not glyph outlines from a font file the package may not ship.
        RDKit::MolDraw2DSVG drawer(columns * panelWidth, rows * panelHeight, panelWidth, panelHeight,
                                   /*noFreetype=*/true);
        drawer.drawMolecules(pointers, &texts);
        drawer.finishDrawing();
        return crdkit::copyString(drawer.getDrawingText());
    } catch (const std::exception &exception) {
        crdkit::report(error, exception.what());
        return nullptr;
    }
}

}  // extern "C"
