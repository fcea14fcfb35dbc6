import Foundation

/// ``MixtureOfLogistics/logDensity(_:logits:means:logScales:)`` as one tape node: per element (row), with
/// y_m = (x − μ_m)·e^{−log s_m} and the component log densities c_m = log σ(y_m) + log σ(−y_m) − log s_m,
///
///     log p(x) = logsumexp_m (ℓ_m + c_m) − logsumexp_m ℓ_m        (ℓ the unnormalised mixture logits),
///
/// When a gradient will be wanted, the forward pass also keeps each row's derivatives per unit of incoming
/// gradient, so the backward is one multiplication each. With responsibilities w_m = softmax_m(ℓ_m + c_m) and
/// weights π_m = softmax_m(ℓ_m): ∂/∂ℓ_m = w_m − π_m, ∂/∂x = Σ_m w_m c′_m e^{−log s_m},
/// ∂/∂μ_m = −w_m c′_m e^{−log s_m}, ∂/∂log s_m = −w_m (1 + c′_m y_m), where c′ = dc/dy = σ(−y) − σ(y). The
/// composed ops stay as ``MixtureOfLogistics/logDensityComposed(_:logits:means:logScales:)``, the reference
/// of the tests.
///
/// **Layout.** Eight rows share a vector: a block of rows r₀ … r₀+7 walks the M components, component m of
/// the eight rows in one ``VectorMath`` vector, so the maxima and sums over components are lane-wise
/// operations and no row needs a horizontal reduction (the previous layout, M components of one row per
/// vector, paid for its lanes past M and reduced across lanes twice per sum and per maximum). The `[R, M]`
/// parameters come in through 8 × 8 (and 8 × 4) transposes, the rest of M a value at a time
/// (``loadColumns(_:_:_:)``). The last block's missing rows are zeros, computed and dropped. The components
/// are evaluated in three short passes rather than one long chain each, so that the core overlaps several.
///
/// **The order of the arithmetic.** The chapters' committed outputs were produced by the previous kernel,
/// which put the M components of one row in the lanes of `SIMD8<Float>` vectors (⌈M/8⌉ of them, the lanes
/// past M padded with ℓ = −∞, μ = log s = 0) and reduced across lanes; the tests pin this one's bits on
/// its edge cases (MixtureDensityKernelTests), hashed when the two agreed bit for bit. To give the same bits,
/// every row here evaluates the same expressions in the same order: component j of a row sat in lane j mod 8
/// of vector ⌊j/8⌋, so ``top(_:_:_:)`` and ``total(_:_:_:)`` replay that kernel's reduction trees over the
/// "lanes" j, and the padding is one extra component (index M in the scratch) evaluated at ℓ = −∞,
/// μ = log s = 0, standing in for every lane j ≥ M. The log of the ratio of the two sums is the scalar
/// `Foundation.log`, one call per row, as before (the bits to reproduce are libm's).
///
/// The stored derivatives are block-major (per block: ∂/∂x, then ∂/∂ℓ_m, ∂/∂μ_m, ∂/∂log s_m for each m, one
/// vector of eight rows each); the backward scales them and transposes them back into `[R, M]`
/// (``storeColumns(_:_:_:_:)``).
enum MixtureDensityKernel {
    typealias F8 = SIMD8<Float>

    /// Per-block scratch, M + 1 vectors each (index M is the padding component).
    struct Scratch {
        let y, slope, inverse, joint, logit, e: UnsafeMutablePointer<F8>
        let storage: UnsafeMutablePointer<F8>
        init(mixtures m: Int) {
            storage = .allocate(capacity: 6 * (m + 1))
            (y, slope, inverse) = (storage, storage + (m + 1), storage + 2 * (m + 1))
            (joint, logit, e) = (storage + 3 * (m + 1), storage + 4 * (m + 1), storage + 5 * (m + 1))
        }
        func deallocate() { storage.deallocate() }
    }

    /// One block of eight rows: `x` eight values, the parameters `[8, M]`. Returns the log densities; with
    /// `local`, stores the block's derivatives there (1 + 3M vectors).
    @inline(always)
    static func block(_ px: UnsafePointer<Float>, _ pl: UnsafePointer<Float>, _ pm: UnsafePointer<Float>,
                      _ ps: UnsafePointer<Float>, _ m: Int, _ s: Scratch, _ local: UnsafeMutablePointer<F8>?) -> F8 {
        let chunks = (m &+ 7) / 8, last = m % 8 == 0 ? m &- 1 : m   // the padding at index m, if any
        let x = VectorMath.load(px)
        // The components in three passes, each short enough for the core to overlap several components
        // (one pass would be a single chain of two exps, two divisions and two polynomials per component).
        loadColumns(pl, m, s.logit)
        loadColumns(pm, m, s.y)          // the means, until the first pass
        loadColumns(ps, m, s.joint)      // the log-scales, until the third pass
        for j in 0..<m {
            let inverse = VectorMath.exp(-s.joint[j])
            (s.y[j], s.inverse[j]) = ((x - s.y[j]) * inverse, inverse)
        }
        if last == m {     // ℓ = −∞, μ = log s = 0
            let inverse = VectorMath.exp(-F8.zero)
            (s.y[m], s.inverse[m]) = ((x - F8.zero) * inverse, inverse)
            (s.joint[m], s.logit[m]) = (F8.zero, F8(repeating: -.infinity))
        }
        for j in 0...last {
            let yc = s.y[j]
            let (e, q) = VectorMath.logisticParts(yc)
            let slope = (1 - e) * q
            s.slope[j] = slope.replacing(with: -slope, where: yc .> 0)     // σ(−y) − σ(y)
            s.e[j] = e
        }
        for j in 0...last {
            let component = -VectorMath.abs(s.y[j]) - 2 * VectorMath.logOnePlusUnit(s.e[j]) - s.joint[j]
            s.joint[j] = s.logit[j] + component
        }
        let topJoint = top(s.joint, m, chunks), topLogit = top(s.logit, m, chunks)
        let finite = (VectorMath.abs(topJoint) .< .infinity) .& (VectorMath.abs(topLogit) .< .infinity)
        for j in 0...last {
            s.joint[j] = VectorMath.exp(s.joint[j] - topJoint)     // now the unnormalised w
            s.logit[j] = VectorMath.exp(s.logit[j] - topLogit)     // and π
        }
        let sumJoint = total(s.joint, m, chunks), sumLogit = total(s.logit, m, chunks)
        let difference = topJoint - topLogit, ratio = sumJoint / sumLogit
        var out = difference
        for i in 0..<8 where finite[i] { out[i] = difference[i] + Foundation.log(ratio[i]) }
        guard let local else { return out }
        let (toW, toPi) = (1 / sumJoint, 1 / sumLogit)
        let dl = local + 1, dm = dl + m, ds = dm + m
        for j in 0...last {
            let wc = s.joint[j] * toW, t = wc * s.slope[j] * s.inverse[j]
            s.inverse[j] = t
            guard j < m else { break }
            dl[j] = (wc - s.logit[j] * toPi).replacing(with: 0, where: .!finite)
            dm[j] = (-t).replacing(with: 0, where: .!finite)
            ds[j] = (-wc * (1 + s.slope[j] * s.y[j])).replacing(with: 0, where: .!finite)
        }
        local[0] = total(s.inverse, m, chunks).replacing(with: 0, where: .!finite)
        return out
    }

    static func evaluate(_ x: Var, logits: Var, means: Var, logScales: Var) -> Var {
        let m = logits.shape[logits.shape.rank - 1]
        guard m > 0, means.shape == logits.shape, logScales.shape == logits.shape,
              x.shape.dimensions + [m] == logits.shape.dimensions else {
            fatalError("MixtureOfLogistics.logDensity: x \(x.shape) against parameters \(logits.shape), \(means.shape), \(logScales.shape)")
        }
        let rows = x.shape.elementCount, blocks = (rows + 7) / 8
        let wantsGradient = [x, logits, means, logScales].contains { $0.requiresGradient }
        let stride = 1 + 3 * m     // vectors of derivatives per block
        let s = Scratch(mixtures: m)
        defer { s.deallocate() }
        var tail = [Float](repeating: 0, count: 8 * (1 + 3 * m))     // the last block, its rows past R zeros
        var local: [F8] = []
        let value = x.value.scalars.withUnsafeBufferPointer { xb in
            logits.value.scalars.withUnsafeBufferPointer { lb in
            means.value.scalars.withUnsafeBufferPointer { mb in
            logScales.value.scalars.withUnsafeBufferPointer { sb in
            tail.withUnsafeMutableBufferPointer { tb in
                let (px, pl, pm, ps, pt) = (xb.baseAddress!, lb.baseAddress!, mb.baseAddress!, sb.baseAddress!,
                                            tb.baseAddress!)
                /// The log densities into `po`, and with `pd` the derivatives (every element of both written).
                func run(_ po: UnsafeMutablePointer<Float>, _ pd: UnsafeMutablePointer<F8>?) {
                    for b in 0..<(rows / 8) {
                        let r = 8 &* b, o = r &* m
                        let out = block(px + r, pl + o, pm + o, ps + o, m, s, pd.map { $0 + b &* stride })
                        VectorMath.store(out, po + r)
                    }
                    let r = rows / 8 * 8, count = rows &- r
                    guard count > 0 else { return }
                    let (tx, tl, tm, ts) = (pt, pt + 8, pt + 8 + 8 * m, pt + 8 + 16 * m)
                    for i in 0..<count { tx[i] = px[r &+ i] }
                    for i in 0..<(count &* m) {
                        (tl[i], tm[i], ts[i]) = (pl[r &* m &+ i], pm[r &* m &+ i], ps[r &* m &+ i])
                    }
                    let out = block(tx, tl, tm, ts, m, s, pd.map { $0 + (blocks &- 1) &* stride })
                    for i in 0..<count { po[r &+ i] = out[i] }
                }
                return Tensor(shape: x.shape) { ob in
                    guard wantsGradient else { return run(ob.baseAddress!, nil) }
                    local = [F8](unsafeUninitializedCapacity: blocks * stride) { db, count in
                        run(ob.baseAddress!, db.baseAddress!)
                        count = blocks * stride
                    }
                }
            }}}}
        }
        let shape = x.shape, derivatives = local
        return x.tape.custom(inputs: [x, logits, means, logScales], value: value) { g in
            backward(derivatives, g, shape: shape, rows: rows, mixtures: m)
        }
    }

    /// The gradients: each row's stored derivatives times its incoming gradient (exactly 0 where that is 0).
    static func backward(_ local: [F8], _ g: Tensor, shape: Shape, rows: Int, mixtures m: Int) -> [Tensor?] {
        let stride = 1 + 3 * m
        let scaled = UnsafeMutablePointer<F8>.allocate(capacity: m)
        defer { scaled.deallocate() }
        return local.withUnsafeBufferPointer { db in
            g.scalars.withUnsafeBufferPointer { gb in
                guard let pd = db.baseAddress, let pg = gb.baseAddress else {     // no rows
                    return [Tensor.zeros(shape)] + (0..<3).map { _ in Tensor.zeros(Shape(shape.dimensions + [m])) }
                }
                /// Calls `body(gradient, block, count)` per block of eight rows; the missing rows' gradient is 0.
                func forEachBlock(_ body: (F8, UnsafePointer<F8>, Int) -> Void) {
                    for r in Swift.stride(from: 0, to: rows, by: 8) {
                        let count = Swift.min(8, rows &- r)
                        var gv = F8.zero
                        if count == 8 {
                            gv = VectorMath.load(pg + r)
                        } else {
                            for i in 0..<count { gv[i] = pg[r &+ i] }
                        }
                        body(gv, pd + r / 8 &* stride, count)
                    }
                }
                let gx = Tensor(shape: shape) { out in
                    var r = 0
                    forEachBlock { gv, d, count in
                        let v = VectorMath.scale(gv, d[0])
                        for i in 0..<count { out[r &+ i] = v[i] }
                        r &+= 8
                    }
                }
                /// ∂/∂ℓ, ∂/∂μ or ∂/∂log s (`offset` 1, 1 + M, 1 + 2M in the stored derivatives) into `[R, M]`.
                func parameter(_ offset: Int) -> Tensor {
                    Tensor(shape: Shape(shape.dimensions + [m])) { out in
                        var p = out.baseAddress!
                        forEachBlock { gv, d, count in
                            for j in 0..<m { scaled[j] = VectorMath.scale(gv, d[offset &+ j]) }
                            storeColumns(scaled, m, count, p)
                            p += 8 &* m
                        }
                    }
                }
                return [gx, parameter(1), parameter(1 + m), parameter(1 + 2 * m)]
            }
        }
    }
}
