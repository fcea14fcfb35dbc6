import Foundation
@testable import Trufl

// The previous `MixtureDensityKernel` (Sources/Trufl/Distributions/MixtureOfLogisticsDensity.swift before the
// rows-across-lanes rewrite), verbatim but for its name: the M components of one row side by side in a vector.
// Kept as the reference that `MixtureDensityKernelTests.bitIdenticalToThePreviousKernel` compares the current
// kernel with bit for bit (the chapters' expected outputs were produced by this arithmetic).

/// ``MixtureOfLogistics/logDensity(_:logits:means:logScales:)`` as one tape node: per element, with
/// y_m = (x − μ_m)·e^{−log s_m} and the component log densities c_m = log σ(y_m) + log σ(−y_m) − log s_m,
///
///     log p(x) = logsumexp_m (ℓ_m + c_m) − logsumexp_m ℓ_m        (ℓ the unnormalised mixture logits),
///
/// the M components of an element side by side in eight-lane vectors (M ≤ 8 is one vector; more take
/// several). When a gradient will be wanted, the forward pass also keeps each element's derivatives per unit
/// of incoming gradient, so the backward is one multiplication each. With responsibilities w_m = softmax_m(ℓ_m + c_m) and weights π_m = softmax_m(ℓ_m):
/// ∂/∂ℓ_m = w_m − π_m, ∂/∂x = Σ_m w_m c′_m e^{−log s_m}, ∂/∂μ_m = −w_m c′_m e^{−log s_m},
/// ∂/∂log s_m = −w_m (1 + c′_m y_m), where c′ = dc/dy = σ(−y) − σ(y). The composed ops stay as
/// ``MixtureOfLogistics/logDensityComposed(_:logits:means:logScales:)``, the reference of the tests.
enum PreviousMixtureDensityKernel {
    typealias F8 = SIMD8<Float>

    /// Rows of the parameters, `[R, M]` flattened, M padded to whole vectors: the padding has ℓ = −∞
    /// (weight 0) and μ = log s = 0.
    struct Rows {
        let count: Int, mixtures: Int, chunks: Int
        var logits: [Float], means: [Float], logScales: [Float]
        init(_ logits: Tensor, _ means: Tensor, _ logScales: Tensor, rows: Int, mixtures m: Int) {
            (count, mixtures, chunks) = (rows, m, (m + 7) / 8)
            let width = chunks * 8
            func pad(_ t: Tensor, _ fill: Float) -> [Float] {
                if width == m { return t.scalars }
                var out = [Float](repeating: fill, count: rows * width)
                for r in 0..<rows { for j in 0..<m { out[r * width + j] = t.scalars[r * m + j] } }
                return out
            }
            self.logits = pad(logits, -.infinity)
            self.means = pad(means, 0)
            self.logScales = pad(logScales, 0)
        }
    }

    /// The largest lane.
    @inline(__always) static func largest(_ v: F8) -> Float {
        let four = pointwise(v.lowHalf, v.highHalf)
        return Swift.max(Swift.max(four[0], four[1]), Swift.max(four[2], four[3]))
    }

    @inline(__always) static func pointwise(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        a.replacing(with: b, where: b .> a)
    }

    /// The lane-wise maximum over `chunks` vectors and its largest lane.
    @inline(__always) static func top(_ v: UnsafePointer<F8>, _ chunks: Int) -> Float {
        var m = v[0]
        for c in 1..<max(chunks, 1) { m = m.replacing(with: v[c], where: v[c] .> m) }
        return largest(m)
    }

    /// Σ exp(v − top) over `chunks` vectors, and the exponentials themselves into `out`.
    @inline(__always) static func sumExp(_ v: UnsafePointer<F8>, _ top: Float, _ out: UnsafeMutablePointer<F8>,
                                         _ chunks: Int) -> Float {
        var total = F8()
        for c in 0..<chunks {
            out[c] = VectorMath.exp(v[c] - top)
            total += out[c]
        }
        return total.sum()
    }

    static func evaluate(_ x: Var, logits: Var, means: Var, logScales: Var) -> Var {
        let m = logits.shape[logits.shape.rank - 1]
        guard means.shape == logits.shape, logScales.shape == logits.shape,
              x.shape.dimensions + [m] == logits.shape.dimensions else {
            fatalError("MixtureOfLogistics.logDensity: x \(x.shape) against parameters \(logits.shape), \(means.shape), \(logScales.shape)")
        }
        let rows = Rows(logits.value, means.value, logScales.value, rows: x.shape.elementCount, mixtures: m)
        let k = rows.chunks, width = k * 8
        let wantsGradient = [x, logits, means, logScales].contains { $0.requiresGradient }
        var out = [Float](repeating: 0, count: rows.count)
        // With a gradient to come, the forward pass keeps each row's local derivatives (per unit of the
        // incoming gradient): ∂/∂x, and ∂/∂ℓ_m, ∂/∂μ_m, ∂/∂log s_m, padded like the parameters.
        var dx = [Float](repeating: 0, count: wantsGradient ? rows.count : 0)
        var local = [Float](repeating: 0, count: wantsGradient ? 3 * rows.count * width : 0)
        let scratch = UnsafeMutablePointer<F8>.allocate(capacity: 2 * k)
        defer { scratch.deallocate() }
        let w = scratch, pi = scratch + k
        local.withUnsafeMutableBufferPointer { lb in
            walk(rows, x.value) { r, y, joint, logit, slope, inverse in
                let topJoint = top(joint, k), topLogit = top(logit, k)
                guard topJoint.isFinite && topLogit.isFinite else {
                    out[r] = topJoint - topLogit   // ±∞ (or NaN) as the composed ops would give
                    return
                }
                let sumJoint = sumExp(joint, topJoint, w, k), sumLogit = sumExp(logit, topLogit, pi, k)
                out[r] = (topJoint - topLogit) + Foundation.log(sumJoint / sumLogit)
                guard wantsGradient else { return }
                let (toW, toPi) = (1 / sumJoint, 1 / sumLogit)
                let base = lb.baseAddress! + 3 * r * width
                var total = F8()
                for c in 0..<k {
                    let wc = w[c] * toW, t = wc * slope[c] * inverse[c]
                    total += t
                    VectorMath.store(wc - pi[c] * toPi, base + 8 * c)
                    VectorMath.store(-t, base + width + 8 * c)
                    VectorMath.store(-wc * (1 + slope[c] * y[c]), base + 2 * width + 8 * c)
                }
                dx[r] = total.sum()
            }
        }
        let shape = x.shape, rowCount = rows.count
        return x.tape.custom(inputs: [x, logits, means, logScales], value: Tensor(shape: shape, scalars: out)) { g in
            backward(dx, local, g, shape: shape, rows: rowCount, mixtures: m, width: width)
        }
    }

    /// The gradients: each row's stored derivatives times its incoming gradient.
    static func backward(_ dx: [Float], _ local: [Float], _ g: Tensor, shape: Shape, rows: Int, mixtures m: Int,
                         width: Int) -> [Tensor?] {
        var gx = [Float](repeating: 0, count: rows)
        var gl = [Float](repeating: 0, count: rows * m), gm = gl, gs = gl
        for r in 0..<rows {
            let gr = g.scalars[r]
            guard gr != 0 else { continue }
            gx[r] = gr * dx[r]
            let base = 3 * r * width
            for j in 0..<m {
                gl[r * m + j] = gr * local[base + j]
                gm[r * m + j] = gr * local[base + width + j]
                gs[r * m + j] = gr * local[base + 2 * width + j]
            }
        }
        let parameterShape = Shape(shape.dimensions + [m])
        return [Tensor(shape: shape, scalars: gx), Tensor(shape: parameterShape, scalars: gl),
                Tensor(shape: parameterShape, scalars: gm), Tensor(shape: parameterShape, scalars: gs)]
    }

    /// Calls `body(row, y, ℓ + c, ℓ, c′, e^{−log s})` for each row, each a pointer to `chunks` vectors.
    @inline(__always)
    static func walk(_ rows: Rows, _ x: Tensor,
                     _ body: (Int, UnsafePointer<F8>, UnsafePointer<F8>, UnsafePointer<F8>, UnsafePointer<F8>,
                              UnsafePointer<F8>) -> Void) {
        let k = rows.chunks
        let scratch = UnsafeMutablePointer<F8>.allocate(capacity: 5 * k)
        defer { scratch.deallocate() }
        let y = scratch, joint = scratch + k, logit = scratch + 2 * k, slope = scratch + 3 * k, inverse = scratch + 4 * k
        rows.logits.withUnsafeBufferPointer { lb in
        rows.means.withUnsafeBufferPointer { mb in
        rows.logScales.withUnsafeBufferPointer { sb in
        x.scalars.withUnsafeBufferPointer { xb in
            let pl = lb.baseAddress!, pm = mb.baseAddress!, ps = sb.baseAddress!, px = xb.baseAddress!
            for r in 0..<rows.count {
                let xr = F8(repeating: px[r])
                for c in 0..<k {
                    let o = (r * k + c) * 8
                    let logScale = VectorMath.load(ps + o)
                    inverse[c] = VectorMath.exp(-logScale)
                    let yc = (xr - VectorMath.load(pm + o)) * inverse[c]
                    let (e, q) = VectorMath.logisticParts(yc)
                    let component = -VectorMath.abs(yc) - 2 * VectorMath.logOnePlusUnit(e) - logScale
                    let s = (1 - e) * q
                    y[c] = yc
                    slope[c] = s.replacing(with: -s, where: yc .> 0)     // σ(−y) − σ(y)
                    logit[c] = VectorMath.load(pl + o)
                    joint[c] = logit[c] + component
                }
                body(r, y, joint, logit, slope, inverse)
            }
        }}}}
    }
}
