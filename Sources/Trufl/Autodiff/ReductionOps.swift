import Foundation

/// Sums, means, maxima and log-sum-exp over an axis or over everything.
extension Var {
    /// The sum along `axis` (negative counts from the end), dropping it unless `keepDims`.
    public func sum(axis: Int, keepDims: Bool = false) -> Var {
        let a = shape.axis(axis, op: "sum(axis:)")
        return tape.record(value.sum(axis: a, keepDims: keepDims), .sum(index, axis: a), needsGrad: requiresGradient)
    }

    /// The sum of all elements (a scalar).
    public func sum() -> Var { tape.record(value.sum(), .sumAll(index), needsGrad: requiresGradient) }

    /// The mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Var {
        let n = shape[shape.axis(axis, op: "mean(axis:)")]
        return sum(axis: axis, keepDims: keepDims) * (1 / Float(n))
    }

    /// The mean of all elements (a scalar).
    public func mean() -> Var { sum() * (1 / Float(value.count)) }

    /// The maximum along `axis`; the gradient goes to the first maximal entry.
    public func max(axis: Int, keepDims: Bool = false) -> Var {
        let a = shape.axis(axis, op: "max(axis:)")
        return tape.record(value.max(axis: a, keepDims: keepDims), .max(index, axis: a), needsGrad: requiresGradient)
    }

    /// `log Σ exp` along `axis`. −∞ entries drop out; an all-(−∞) row gives −∞ and a zero gradient.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Var {
        let a = shape.axis(axis, op: "logSumExp(axis:)")
        return tape.record(value.logSumExp(axis: a, keepDims: keepDims), .logSumExp(index, axis: a),
                           needsGrad: requiresGradient)
    }

    /// `x − logsumexp(x)` along `axis` (log-probabilities from logits; all entries finite).
    public func logSoftmax(axis: Int) -> Var { self - logSumExp(axis: axis, keepDims: true) }
}

extension Tape {
    func backwardSum(_ x: Int, _ axis: Int, _ g: Tensor) {
        let s = values[x].shape
        accumulate(x, g.reshaped(s.replacing(axis: axis, with: 1)).broadcast(to: s))
    }

    /// ∂/∂xⱼ log Σ exp xₖ = exp(xⱼ − y): zero for −∞ entries and for rows whose y is not finite.
    func backwardLogSumExp(_ i: Int, _ x: Int, _ axis: Int, _ g: Tensor) {
        let xv = values[x], y = values[i]
        let (outer, n, inner) = xv.shape.split(at: axis)
        if xv.count == 0 { return }
        let result = xv.scalars.withUnsafeBufferPointer { xb in
            y.scalars.withUnsafeBufferPointer { yb in
                g.scalars.withUnsafeBufferPointer { gb in
                    Tensor(shape: xv.shape) { ob in
                        let px = xb.baseAddress!, py = yb.baseAddress!, pg = gb.baseAddress!, po = ob.baseAddress!
                        if inner == 1 {
                            // The last axis: each row's softmax · g, eight lanes at a time.
                            for o in 0..<outer {
                                let yr = py[o], gr = pg[o], base = o &* n
                                if gr == 0 || !yr.isFinite {
                                    (po + base).initialize(repeating: 0, count: n)
                                    continue
                                }
                                VectorMath.forEach(px + base, po + base, 0, n) { gr * VectorMath.exp($0 - yr) }
                            }
                            return
                        }
                        for o in 0..<outer {
                            for j in 0..<n {
                                let base = (o &* n &+ j) &* inner
                                for k in 0..<inner {
                                    let r = o &* inner &+ k
                                    let yr = py[r], gr = pg[r]
                                    po[base &+ k] = (gr == 0 || !yr.isFinite) ? 0 : gr * Foundation.exp(px[base &+ k] - yr)
                                }
                            }
                        }
                    }
                }
            }
        }
        accumulate(x, result)
    }

    func backwardMax(_ x: Int, _ axis: Int, _ g: Tensor) {
        let xv = values[x]
        let (outer, n, inner) = xv.shape.split(at: axis)
        var result = Tensor.zeros(xv.shape)
        for o in 0..<outer {
            for k in 0..<inner {
                var best = 0
                for j in 1..<Swift.max(n, 1) where xv.scalars[(o * n + j) * inner + k] > xv.scalars[(o * n + best) * inner + k] {
                    best = j
                }
                if n > 0 { result.scalars[(o * n + best) * inner + k] = g.scalars[o * inner + k] }
            }
        }
        accumulate(x, result)
    }
}
