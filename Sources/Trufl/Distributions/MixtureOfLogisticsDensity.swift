import Foundation

/// ``MixtureOfLogistics/logDensity(_:logits:means:logScales:)`` as one tape node: per element, with
/// y_m = (x − μ_m)·e^{−log s_m} and the component log densities c_m = log σ(y_m) + log σ(−y_m) − log s_m,
///
///     log p(x) = logsumexp_m (ℓ_m + c_m) − logsumexp_m ℓ_m        (ℓ the unnormalised mixture logits),
///
/// the M components of an element side by side in eight-lane vectors (M ≤ 8 is one vector; more take
/// several). Backward, with responsibilities w_m = softmax_m(ℓ_m + c_m) and weights π_m = softmax_m(ℓ_m):
/// ∂/∂ℓ_m = w_m − π_m, ∂/∂x = Σ_m w_m c′_m e^{−log s_m}, ∂/∂μ_m = −w_m c′_m e^{−log s_m},
/// ∂/∂log s_m = −w_m (1 + c′_m y_m), where c′ = dc/dy = σ(−y) − σ(y). The composed ops stay as
/// ``MixtureOfLogistics/logDensityComposed(_:logits:means:logScales:)``, the reference of the tests.
enum MixtureDensityKernel {
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

    /// Horizontal log-sum-exp over `chunks` vectors.
    @inline(__always) static func logSumExp(_ v: UnsafePointer<F8>, _ chunks: Int) -> Float {
        var m = v[0]
        for c in 1..<max(chunks, 1) { m = m.replacing(with: v[c], where: v[c] .> m) }
        let top = m.max()
        guard top.isFinite else { return top }
        var total = F8()
        for c in 0..<chunks { total += VectorMath.exp(v[c] - top) }
        return top + Foundation.log(total.sum())
    }

    static func evaluate(_ x: Var, logits: Var, means: Var, logScales: Var) -> Var {
        let m = logits.shape[logits.shape.rank - 1]
        guard means.shape == logits.shape, logScales.shape == logits.shape,
              x.shape.dimensions + [m] == logits.shape.dimensions else {
            fatalError("MixtureOfLogistics.logDensity: x \(x.shape) against parameters \(logits.shape), \(means.shape), \(logScales.shape)")
        }
        let rows = Rows(logits.value, means.value, logScales.value, rows: x.shape.elementCount, mixtures: m)
        let xs = x.value
        var out = [Float](repeating: 0, count: rows.count)
        walk(rows, xs) { r, _, a, l, _, _ in out[r] = logSumExp(a, rows.chunks) - logSumExp(l, rows.chunks) }
        return x.tape.custom(inputs: [x, logits, means, logScales], value: Tensor(shape: x.shape, scalars: out)) { g in
            backward(rows, xs, g)
        }
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

    static func backward(_ rows: Rows, _ x: Tensor, _ g: Tensor) -> [Tensor?] {
        let (m, k) = (rows.mixtures, rows.chunks)
        var gx = [Float](repeating: 0, count: rows.count)
        var gl = [Float](repeating: 0, count: rows.count * m), gm = gl, gs = gl
        walk(rows, x) { r, y, joint, logit, slope, inverse in
            let gr = g.scalars[r]
            guard gr != 0 else { return }
            let lseJoint = logSumExp(joint, k), lseLogit = logSumExp(logit, k)
            var dx = F8()
            for c in 0..<k {
                let w = VectorMath.exp(joint[c] - lseJoint) * gr, pi = VectorMath.exp(logit[c] - lseLogit) * gr
                let t = w * slope[c] * inverse[c]
                dx += t
                let dl = w - pi, dm = -t, ds = -w * (1 + slope[c] * y[c])
                for j in 0..<min(8, m - c * 8) {
                    let i = r * m + c * 8 + j
                    (gl[i], gm[i], gs[i]) = (dl[j], dm[j], ds[j])
                }
            }
            gx[r] = dx.sum()
        }
        let shape = Shape(x.shape.dimensions + [m])
        return [Tensor(shape: x.shape, scalars: gx), Tensor(shape: shape, scalars: gl),
                Tensor(shape: shape, scalars: gm), Tensor(shape: shape, scalars: gs)]
    }
}
