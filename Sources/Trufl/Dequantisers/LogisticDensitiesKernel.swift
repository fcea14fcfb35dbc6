/// The loops of ``LogisticDensities``: eight positions n at a time for one (k, d), so that any D (2 in the toy
/// experiment, 8 in the benchmark) fills the vectors. Forward: each block of positions accumulates its
/// `[K, block]` rows, then writes them transposed into `[N, K]`. Backward: the same walk, recomputing each
/// element's pieces from z and the window (`VectorMath` for exp and log), the z gradient accumulated per
/// block and the parameters' sums reduced to double precision once per (block, k, d).
extension LogisticDensities.Kernel {
    typealias F8 = SIMD8<Float>
    typealias Mask8 = SIMDMask<SIMD8<Int32>>

    /// Whether each of eight z'' lies outside the window (NaN counts as outside, as in the composed test).
    @inline(always) static func outside(_ zz: F8, _ w: LogisticDensities.Window) -> Mask8 {
        .!((zz .>= w.lower) .& (zz .<= w.upper))
    }

    /// The soft indicator's pieces at z'': t = (s/2 − |σ(side·z'') − c|)/τ, and the sign of σ(side·z'') − c.
    @inline(always)
    static func softMargin(_ zz: F8, _ e: F8, _ r: F8, _ w: LogisticDensities.Window, _ inverseTemperature: Float)
        -> (t: F8, sign: F8) {
        let sig = (e * r).replacing(with: r, where: zz * w.side .>= 0)   // σ(side·z'') from σ(±|z''|)
        let diff = sig - w.centre
        let sign = F8(repeating: 0).replacing(with: 1, where: diff .> 0).replacing(with: -1, where: diff .< 0)
        return ((w.halfWidth - VectorMath.abs(diff)) * inverseTemperature, sign)
    }

    func forward() -> Tensor {
        let (n, k, d, padded, B) = (self.n, self.k, self.d, self.padded, Self.block)
        let constants = (0..<k).map { constant($0) }
        let inverseTemperature = softTemperature.map { 1 / $0 }
        let hard = self.hard
        return zT.withUnsafeBufferPointer { zb in
            windows.withUnsafeBufferPointer { wb in
                Tensor(shape: [n, k]) { ob in
                    let pz = zb.baseAddress!, pw = wb.baseAddress!, po = ob.baseAddress!
                    forEachHalf { blocks, _ in
                        let rows = UnsafeMutablePointer<F8>.allocate(capacity: k * B / 8)
                        let outside = UnsafeMutablePointer<Mask8>.allocate(capacity: B / 8)
                        defer { rows.deallocate(); outside.deallocate() }
                        for blk in blocks {
                            let n0 = blk * B, count = Swift.min(B, n - n0), lanes = (count + 7) / 8
                            for c in 0..<k {
                                let row = rows + c * (B / 8)
                                for j in 0..<lanes { row[j] = F8(repeating: constants[c]); outside[j] = Mask8() }
                                for e in 0..<d {
                                    let w = pw[c * d + e], zp = pz + e * padded + n0
                                    for j in 0..<lanes {
                                        let zz = VectorMath.load(zp + 8 * j) * w.inverseScale - w.shift
                                        let (ex, r) = VectorMath.logisticParts(zz)
                                        var v = -VectorMath.abs(zz) - 2 * VectorMath.logOnePlusUnit(ex)
                                        if let inverseTemperature {
                                            let t = Self.softMargin(zz, ex, r, w, inverseTemperature).t
                                            v += VectorMath.logSigmoid(t)
                                        } else if hard {
                                            outside[j] = outside[j] .| Self.outside(zz, w)
                                        }
                                        row[j] += v
                                    }
                                }
                                if hard {
                                    for j in 0..<lanes { row[j].replace(with: -.infinity, where: outside[j]) }
                                }
                            }
                            // Transpose the block's [K, count] rows into [count, K] of the output.
                            let flat = UnsafeRawPointer(rows).assumingMemoryBound(to: Float.self)
                            for i in 0..<count {
                                let out = po + (n0 + i) * k
                                for c in 0..<k { out[c] = flat[c * B + i] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The parameters' gradient sums of one half: per (k, d) Σ G_z'', Σ G_z''·z, Σ G_t, Σ G_t·sign; per k Σ g
    /// (over members only with the hard indicator).
    struct Sums {
        var gzz, gzzZ, gt, gtSign: [Double]
        var g: [Double]
        init(_ k: Int, _ d: Int) {
            gzz = [Double](repeating: 0, count: k * d)
            (gzzZ, gt, gtSign) = (gzz, gzz, gzz)
            g = [Double](repeating: 0, count: k)
        }
    }

    func backward(_ g: Tensor) -> (z: Tensor, mTilde: Tensor, sTilde: Tensor, logScale: Tensor, shift: Tensor) {
        let (n, k, d, padded, B) = (self.n, self.k, self.d, self.padded, Self.block)
        let inverseTemperature = softTemperature.map { 1 / $0 }
        let hard = self.hard
        let dzT = KernelBuffer(d * padded, zeroed: true)  // each half writes its own positions
        var halves: [Sums] = withBaseAddresses([zT, g.scalars]) { p in
            windows.withUnsafeBufferPointer { wb -> [Sums] in
                let pz = p[0]!, pg = p[1]!, pw = wb.baseAddress!
                return forEachHalf { blocks, _ -> Sums in
                    var sums = Sums(k, d)
                    let gRow = UnsafeMutablePointer<F8>.allocate(capacity: B / 8)
                    defer { gRow.deallocate() }
                    let flatG = UnsafeMutableRawPointer(gRow).assumingMemoryBound(to: Float.self)
                    for blk in blocks {
                        let n0 = blk * B, count = Swift.min(B, n - n0), lanes = (count + 7) / 8
                        for c in 0..<k {
                            for i in 0..<(lanes * 8) { flatG[i] = i < count ? pg[(n0 + i) * k + c] : 0 }
                            if hard {
                                // Only members carry a gradient (the composed op's `select`).
                                for e in 0..<d {
                                    let w = pw[c * d + e], zp = pz + e * padded + n0
                                    for j in 0..<lanes {
                                        let zz = VectorMath.load(zp + 8 * j) * w.inverseScale - w.shift
                                        gRow[j].replace(with: 0, where: Self.outside(zz, w))
                                    }
                                }
                            }
                            var gTotal = F8()
                            for j in 0..<lanes { gTotal += gRow[j] }
                            sums.g[c] += Double(gTotal.sum())
                            for e in 0..<d {
                                let w = pw[c * d + e], zp = pz + e * padded + n0, dp = dzT.pointer + e * padded + n0
                                var aGzz = F8(), aGzzZ = F8(), aGt = F8(), aGtSign = F8()
                                for j in 0..<lanes {
                                    let z8 = VectorMath.load(zp + 8 * j), g8 = gRow[j]
                                    let zz = z8 * w.inverseScale - w.shift
                                    let (ex, r) = VectorMath.logisticParts(zz)
                                    // d/dz'' [log σ(z'') + log σ(−z'')] = σ(−z'') − σ(z'') = ∓(1 − e)·r.
                                    let slope = (1 - ex) * r
                                    var gzz = g8 * slope.replacing(with: -slope, where: zz .> 0)
                                    if let inverseTemperature {
                                        let (t, sign) = Self.softMargin(zz, ex, r, w, inverseTemperature)
                                        let (et, rt) = VectorMath.logisticParts(t)
                                        let gt = g8 * rt.replacing(with: et * rt, where: t .>= 0)   // g·σ(−t)
                                        // d|σ(side·z'') − c|/dz'' = sign·side·σ(z'')σ(−z''), and dt = −that/τ.
                                        gzz -= gt * (inverseTemperature * w.side) * sign * (ex * r * r)
                                        aGt += gt
                                        aGtSign += gt * sign
                                    }
                                    VectorMath.store(VectorMath.load(dp + 8 * j) + gzz * w.inverseScale, dp + 8 * j)
                                    aGzz += gzz
                                    aGzzZ += gzz * z8
                                }
                                let i = c * d + e
                                sums.gzz[i] += Double(aGzz.sum())
                                sums.gzzZ[i] += Double(aGzzZ.sum())
                                sums.gt[i] += Double(aGt.sum())
                                sums.gtSign[i] += Double(aGtSign.sum())
                            }
                        }
                    }
                    return sums
                }
            }
        }
        if halves.count == 1 { halves.append(Sums(k, d)) }  // the chain rule adds two parts
        return gradients(dzT, halves)
    }

    /// The chain rule from the sums to each parameter (see ``LogisticDensities``): z'' = z·e^{−tanh a} − b,
    /// log|det| = −Σ tanh a, log s = log 2 + log min(m, 1 − m) + log σ(s̃), c = σ(side·m̃), s/2 = c·σ(s̃).
    func gradients(_ dzT: KernelBuffer, _ halves: [Sums])
        -> (z: Tensor, mTilde: Tensor, sTilde: Tensor, logScale: Tensor, shift: Tensor) {
        let (n, k, d) = (self.n, self.k, self.d)
        let inverseTemperature = Double(softTemperature.map { 1 / $0 } ?? 0)
        var dz = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for e in 0..<d { dz[i * d + e] = dzT.pointer[e * padded + i] } }
        var dm = [Float](repeating: 0, count: k * d), ds = dm, da = dm, db = dm
        let (h0, h1) = (halves[0], halves[1])
        for c in 0..<k {
            let gSum = h0.g[c] + h1.g[c]
            for e in 0..<d {
                let i = c * d + e, w = windows[i]
                let gzz = h0.gzz[i] + h1.gzz[i], gzzZ = h0.gzzZ[i] + h1.gzzZ[i]
                let gt = h0.gt[i] + h1.gt[i], gtSign = h0.gtSign[i] + h1.gtSign[i]
                db[i] = Float(-gzz / Double(baseScale))  // ∂z''/∂b = −1/σ
                let ta = Double(w.tanhA)
                da[i] = Float((1 - ta * ta) * (-Double(w.inverseScale) * gzzZ - gSum))
                if let t = truncations?[i] {
                    let dt = inverseTemperature
                    dm[i] = Float(-gSum * t.dLogWidthDM
                                  + dt * (t.sigmoidS * gt + gtSign) * Double(w.side) * t.dMDMTilde)
                    ds[i] = Float(-gSum * t.sigmoidMinusS
                                  + dt * gt * Double(w.centre) * t.sigmoidS * t.sigmoidMinusS)
                }
            }
        }
        let kd = Shape([k, d])
        return (Tensor(shape: [n, d], scalars: dz), Tensor(shape: kd, scalars: dm), Tensor(shape: kd, scalars: ds),
                Tensor(shape: kd, scalars: da), Tensor(shape: kd, scalars: db))
    }
}
