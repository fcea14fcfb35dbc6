import Foundation

/// Adam (Kingma & Ba) with optional gradient-norm clipping and decoupled weight decay (AdamW).
///
/// ```swift
/// let adam = Adam(model.parameters, learningRate: 1e-3, maxGradientNorm: 1)
/// for _ in 0..<steps {
///     let tape = Tape()
///     let loss = lossFunction(tape)
///     loss.backward()
///     adam.step()
///     model.parameters.zeroGradients()
/// }
/// ```
public final class Adam {
    public let parameters: [Parameter]
    public var learningRate: LearningRateSchedule
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// Decoupled weight decay: each step also does `p −= rate · weightDecay · p`.
    public var weightDecay: Float
    /// When set, gradients are scaled so that their joint norm is at most this before the update.
    public var maxGradientNorm: Float?
    /// Updates done so far.
    public private(set) var steps = 0
    var m: [[Float]]
    var v: [[Float]]

    public init(_ parameters: [Parameter], learningRate: LearningRateSchedule = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0, maxGradientNorm: Float? = nil) {
        let names = parameters.map(\.name)
        if Set(names).count != names.count {
            fatalError("Adam: parameter names are not unique: \(names)")
        }
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.maxGradientNorm = maxGradientNorm
        m = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        v = m
    }

    /// The rate the next step will use.
    public var currentRate: Float { learningRate.rate(at: steps) }

    /// One update from the parameters' current gradients (clipped first if asked). Returns the gradient
    /// norm before clipping. Does not zero the gradients.
    @discardableResult
    public func step() -> Float {
        let norm = maxGradientNorm.map { parameters.clipGradients(maxNorm: $0) } ?? parameters.gradientNorm
        let rate = learningRate.rate(at: steps)
        steps += 1
        let c1 = 1 - Float(Foundation.pow(Double(beta1), Double(steps)))
        let c2 = 1 - Float(Foundation.pow(Double(beta2), Double(steps)))
        let (b1, b2, eps, decay) = (beta1, beta2, epsilon, rate * weightDecay)
        for (k, p) in parameters.enumerated() {
            guard p.grad.shape == p.value.shape else {
                fatalError("Adam: parameter '\(p.name)' has value \(p.value.shape) but gradient \(p.grad.shape)")
            }
            p.grad.scalars.withUnsafeBufferPointer { gb in
                m[k].withUnsafeMutableBufferPointer { mb in
                    v[k].withUnsafeMutableBufferPointer { vb in
                        p.value.scalars.withUnsafeMutableBufferPointer { pb in
                            // Eight lanes at a time (the four buffers are distinct, which the compiler cannot
                            // see), then the tail; lane for lane the same arithmetic, so the same results.
                            let (pg, pm, pv, pp) = (gb.baseAddress!, mb.baseAddress!, vb.baseAddress!, pb.baseAddress!)
                            let n = pb.count
                            var i = 0
                            while i &+ 8 <= n {
                                let g = VectorMath.load(pg + i)
                                let mi = b1 * VectorMath.load(pm + i) + (1 - b1) * g
                                let vi = b2 * VectorMath.load(pv + i) + (1 - b2) * g * g
                                let update = (mi / c1) / ((vi / c2).squareRoot() + eps)
                                let value = VectorMath.load(pp + i)
                                VectorMath.store(mi, pm + i)
                                VectorMath.store(vi, pv + i)
                                VectorMath.store(value - (rate * update + decay * value), pp + i)
                                i &+= 8
                            }
                            while i < n {
                                let g = pg[i]
                                pm[i] = b1 * pm[i] + (1 - b1) * g
                                pv[i] = b2 * pv[i] + (1 - b2) * g * g
                                let update = (pm[i] / c1) / ((pv[i] / c2).squareRoot() + eps)
                                pp[i] -= rate * update + decay * pp[i]
                                i &+= 1
                            }
                        }
                    }
                }
            }
        }
        return norm
    }
}
