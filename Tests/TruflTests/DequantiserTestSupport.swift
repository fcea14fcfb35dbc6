import Foundation
@testable import Trufl

/// Dequantisers set up away from their defaults, shared by the dequantiser tests.
enum Dequantisers {
    /// TRUFL with K categories in D dimensions, distinct windows and a non-trivial flow; m̃ kept away from 0
    /// (the kink of min(m, 1 − m) in Eq. 5) so finite differences are smooth.
    static func trufl(categories k: Int, dimensions d: Int, disjoint: Bool = false, flow: Bool = true) -> TRUFLDequantiser {
        let q = TRUFLDequantiser(categories: k, dimensions: d, flow: flow)
        var m = [Float](), s = [Float]()
        for c in 0..<k {
            for e in 0..<d {
                if disjoint {
                    // Window c of K equal slices of (0, 1) in dimension 0, shared in the others.
                    let centre = e == 0 ? (Double(c) + 0.5) / Double(k) + 0.013 : 0.37   // off 1/2: m̃ = 0 is Eq. 5's kink
                    let half = e == 0 ? 0.45 / Double(k) : 0.2
                    m.append(Float(Foundation.log(centre / (1 - centre))))
                    let c0 = min(centre, 1 - centre)
                    let r = half / c0   // σ(s̃) = (s/2) / min(m, 1 − m)
                    s.append(Float(Foundation.log(r / (1 - r))))
                } else {
                    m.append(Float(c) * 0.9 - 1.1 + Float(e) * 0.35)
                    s.append(0.6 - Float(c) * 0.4 + Float(e) * 0.3)
                }
            }
        }
        q.mTilde.value = Tensor(shape: [k, d], scalars: m)
        q.sTilde.value = Tensor(shape: [k, d], scalars: s)
        if let f = q.flow { setFlow(f, k, d) }
        return q
    }

    static func catNF(categories k: Int, dimensions d: Int, baseScale: Float = 1) -> CatNFDequantiser {
        let q = CatNFDequantiser(categories: k, dimensions: d, baseScale: baseScale)
        setFlow(q.flow!, k, d)
        return q
    }

    static func argmax(categories k: Int, _ encoding: ArgmaxDequantiser.Encoding) -> ArgmaxDequantiser {
        let q = ArgmaxDequantiser(categories: k, encoding: encoding)
        setFlow(q.flow!, k, q.dimensions)
        return q
    }

    static func setFlow(_ flow: CategoryScaleShift, _ k: Int, _ d: Int) {
        flow.shift.value = Tensor(shape: [k, d], scalars: (0..<(k * d)).map { Float($0 % 5) * 0.3 - 0.5 })
        flow.logScale.value = Tensor(shape: [k, d], scalars: (0..<(k * d)).map { Float($0 % 3) * 0.4 - 0.35 })
    }

    /// All the kinds, for tests that apply to every dequantiser.
    static func all() -> [(String, any Dequantiser)] {
        [("TRUFL", trufl(categories: 3, dimensions: 2)),
         ("TRUFL disjoint", trufl(categories: 3, dimensions: 2, disjoint: true)),
         ("CatNF", catNF(categories: 3, dimensions: 2)),
         ("CatNF base 1/1.81", catNF(categories: 3, dimensions: 2, baseScale: CatNFDequantiser.catNFBaseScale)),
         ("Argmax threshold", argmax(categories: 3, .threshold)),
         ("Argmax binary", argmax(categories: 3, .binary))]
    }
}

/// ∫ of a density over a region given dimension by dimension (each range may depend on the earlier
/// coordinates), evaluated in one batch: composite Gauss–Legendre nodes via
/// ``Quadrature/integrate(from:to:panels:_:)``, run twice (once to collect the points, once to sum).
func regionIntegral(_ ranges: [([Double]) -> (Double, Double)], panels: Int, _ logDensity: (Tensor) -> [Float]) -> Double {
    regionIntegral(ranges, panels: panels, integrand: { logDensity($0).map { Double(Foundation.exp($0)) } })
}

/// ∫ of any integrand evaluated in one batch over the points `[M, dimensions]`.
func regionIntegral(_ ranges: [([Double]) -> (Double, Double)], panels: Int, integrand: (Tensor) -> [Double]) -> Double {
    var points = [[Double]]()
    func walk(_ prefix: [Double], _ value: ([Double]) -> Double) -> Double {
        let (a, b) = ranges[prefix.count](prefix)
        return Quadrature.integrate(from: a, to: b, panels: panels) { x in
            let p = prefix + [x]
            return p.count == ranges.count ? value(p) : walk(p, value)
        }
    }
    _ = walk([]) { points.append($0); return 0 }
    let z = Tensor(shape: [points.count, ranges.count], scalars: points.flatMap { $0.map { Float($0) } })
    let values = integrand(z)
    var i = -1
    return walk([]) { _ in i += 1; return values[i] }
}

/// ``regionIntegral(_:panels:_:)`` over a box.
func boxIntegral(_ box: [(Double, Double)], panels: Int, _ logDensity: (Tensor) -> [Float]) -> Double {
    regionIntegral(box.map { r in { _ in r } }, panels: panels, logDensity)
}

/// log q(z|k) for z `[N, D]` as plain floats, column k.
func logDensityColumn(_ q: any Dequantiser, _ z: Tensor, _ k: Int) -> [Float] {
    let t = Tape()
    let all = q.logDensities(t.constant(z), indicator: .hard).value
    return (0..<z.shape[0]).map { all[$0, k] }
}

/// Rows of z `[N, D]` whose pattern of covered categories does not change when any coordinate moves by
/// ±`margin`: points a finite-difference step cannot push across a support's edge.
func rowsAwayFromEdges(_ q: any Dequantiser, _ z: Tensor, margin: Float) -> [Int] {
    func covered(_ t: Tensor) -> [[Bool]] {
        let v = q.logDensities(Tape().constant(t), indicator: .hard).value
        return (0..<t.shape[0]).map { n in (0..<q.categories).map { v[n, $0] > -.infinity } }
    }
    let base = covered(z)
    var keep = Set(0..<z.shape[0])
    for d in 0..<z.shape[1] {
        for sign: Float in [-1, 1] {
            var moved = z
            for n in 0..<z.shape[0] { moved[n, d] += sign * margin }
            let c = covered(moved)
            for n in 0..<z.shape[0] where c[n] != base[n] { keep.remove(n) }
        }
    }
    return keep.sorted()
}
