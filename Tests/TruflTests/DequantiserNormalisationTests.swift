import Foundation
import Testing
@testable import Trufl

/// q(z|k) integrates to 1 over z, with the flow on, for every dequantiser (quadrature in 1-D and 2-D).
@Suite struct DequantiserNormalisationTests {
    /// Category k's support in z (after the flow), the logistic tails cut at |z'| = 40 (mass below e⁻⁴⁰).
    func supportBox(_ q: TRUFLDequantiser, _ k: Int) -> [(Double, Double)] {
        let ends = q.baseSupports()[k]
        return (0..<q.dimensions).map { d in
            let a = max(ends[d].lower, -40), b = min(ends[d].upper, 40)
            let shift = Double(q.flow?.shift.value[k, d] ?? 0)
            let scale = Foundation.exp(Foundation.tanh(Double(q.flow?.logScale.value[k, d] ?? 0)))
            return ((a + shift) * scale, (b + shift) * scale)
        }
    }

    @Test func truflIn1DIncludingWindowsAtTheEdges() {
        let q = Dequantisers.trufl(categories: 3, dimensions: 1)
        // Category 1: a window against u = 0 (m ≈ 6e−6); category 2: a narrow one near u = 1.
        q.mTilde.value = Tensor(shape: [3, 1], scalars: [-0.8, -12, 6])
        q.sTilde.value = Tensor(shape: [3, 1], scalars: [0.4, 3, -2])
        for k in 0..<3 {
            let mass = boxIntegral(supportBox(q, k), panels: 2000) { logDensityColumn(q, $0, k) }
            #expect(abs(mass - 1) < 2e-4, "category \(k): ∫ q = \(mass)")
        }
    }

    @Test func truflIn2D() {
        let q = Dequantisers.trufl(categories: 3, dimensions: 2)
        for k in 0..<3 {
            let mass = boxIntegral(supportBox(q, k), panels: 120) { logDensityColumn(q, $0, k) }
            #expect(abs(mass - 1) < 1e-3, "category \(k): ∫∫ q = \(mass)")
        }
    }

    @Test func catNFIn1DAnd2D() {
        let one = Dequantisers.catNF(categories: 3, dimensions: 1)
        for k in 0..<3 {
            let mass = boxIntegral([(-70, 70)], panels: 2000) { logDensityColumn(one, $0, k) }
            #expect(abs(mass - 1) < 2e-4, "1-D category \(k): ∫ q = \(mass)")
        }
        let two = Dequantisers.catNF(categories: 2, dimensions: 2)
        for k in 0..<2 {
            let mass = boxIntegral([(-45, 45), (-45, 45)], panels: 150) { logDensityColumn(two, $0, k) }
            #expect(abs(mass - 1) < 1e-3, "2-D category \(k): ∫∫ q = \(mass)")
        }
        // CatNF's base scale 1/1.81 narrows every category; each still integrates to 1.
        let narrow = Dequantisers.catNF(categories: 3, dimensions: 1, baseScale: CatNFDequantiser.catNFBaseScale)
        for k in 0..<3 {
            let mass = boxIntegral([(-70, 70)], panels: 2000) { logDensityColumn(narrow, $0, k) }
            #expect(abs(mass - 1) < 2e-4, "1-D category \(k), base 1/1.81: ∫ q = \(mass)")
        }
    }

    /// With a flow scale above 1 the argmax densities have an integrable singularity on the boundary
    /// (|z|^(e^−tanh a − 1) near z = 0), which Gauss–Legendre does not resolve; scales ≤ 1 keep them bounded.
    func boundedScales(_ q: ArgmaxDequantiser) -> ArgmaxDequantiser {
        q.flow!.logScale.value = q.flow!.logScale.value.map { -Swift.abs($0) - 0.05 }
        return q
    }

    @Test func argmaxBinaryIn1DAnd2D() {
        let one = boundedScales(Dequantisers.argmax(categories: 2, .binary))   // D = 1: z < 0 or z > 0
        for k in 0..<2 {
            let range: (Double, Double) = one.codeBit(k, 0) ? (0, 60) : (-60, 0)
            let mass = boxIntegral([range], panels: 2000) { logDensityColumn(one, $0, k) }
            #expect(abs(mass - 1) < 2e-4, "1-D category \(k): ∫ q = \(mass)")
        }
        let two = boundedScales(Dequantisers.argmax(categories: 4, .binary))   // D = 2: quadrants
        for k in 0..<4 {
            let box = (0..<2).map { two.codeBit(k, $0) ? (0.0, 40.0) : (-40.0, 0.0) }
            let mass = boxIntegral(box, panels: 120) { logDensityColumn(two, $0, k) }
            #expect(abs(mass - 1) < 1e-3, "2-D category \(k): ∫∫ q = \(mass)")
        }
    }

    @Test func argmaxThresholdIn2D() {
        let q = boundedScales(Dequantisers.argmax(categories: 2, .threshold))   // D = K = 2: half-planes
        for k in 0..<2 {
            let mass = regionIntegral([{ _ in (-40, 40) }, { p in (-40, p[0]) }], panels: 150) { z in
                // Coordinates are (z_k, z_other); put them back in order.
                let swapped = Tensor(shape: z.shape, scalars: (0..<z.count).map { i in
                    k == 0 ? z.scalars[i] : z.scalars[i % 2 == 0 ? i + 1 : i - 1] })
                return logDensityColumn(q, swapped, k)
            }
            #expect(abs(mass - 1) < 1e-3, "category \(k): ∫∫ q = \(mass)")
        }
    }
}
