import Foundation

import CRDKit

/// A grid of molecules drawn as structures by RDKit (MolDraw2DSVG): the figure a chemist looks at.
public enum MoleculeGrid {
    /// An SVG of `molecules` (sanitised), `columns` to a row, each in a `panel`-sized cell, with a legend under each.
    public static func svg(_ molecules: [Molecule], legends: [String], columns: Int,
                           panel: (width: Int, height: Int) = (250, 200)) throws -> String {
        guard !molecules.isEmpty, legends.count == molecules.count else {
            fatalError("MoleculeGrid.svg: \(molecules.count) molecules with \(legends.count) legends")
        }
        let handles: [OpaquePointer?] = molecules.map { $0.handle }
        var message: UnsafeMutablePointer<CChar>?
        let legendStrings = legends.map { strdup($0) }
        defer { legendStrings.forEach { free($0) } }
        let text = handles.withUnsafeBufferPointer { handleBuffer in
            legendStrings.map { UnsafePointer($0) }.withUnsafeBufferPointer { legendBuffer in
                crdkit_draw_grid_svg(handleBuffer.baseAddress, Int32(molecules.count), legendBuffer.baseAddress,
                                     Int32(columns), Int32(panel.width), Int32(panel.height), &message)
            }
        }
        guard let text else { throw MoleculeError.undrawable(reason: Molecule.take(message)) }
        return Molecule.take(text)
    }
}
