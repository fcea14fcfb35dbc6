import Foundation

/// The training loop the language models of chapters 07 and 08 share: batches from `nextBatch`, Adam with a 100-step
/// ramp then an exponential decay to a tenth of the rate at the last step, gradient clipping, a step with a non-finite
/// loss or gradient skipped and counted. Progress (step, loss in `unit`, steps per second) and each validation point
/// go to standard error.
public struct LanguageModelTraining {
    public var label: String
    public var steps: Int, learningRate: Float, maxGradientNorm: Float, evaluateEvery: Int
    /// The unit progress lines give the loss in.
    public var unit: LossUnit

    /// Bits per character (chapter 07: the per-token nats over ln 2) or nats per word (chapter 08: as they are).
    public enum LossUnit: String, Sendable {
        case bitsPerCharacter = "bpc", nats

        /// What one nat is in this unit.
        var perNat: Double { self == .bitsPerCharacter ? 1 / Foundation.log(2.0) : 1 }
    }

    public init(label: String, steps: Int, learningRate: Float, maxGradientNorm: Float, evaluateEvery: Int, unit: LossUnit) {
        (self.label, self.steps, self.learningRate, self.maxGradientNorm) = (label, steps, learningRate, maxGradientNorm)
        (self.evaluateEvery, self.unit) = (evaluateEvery, unit)
    }

    /// `loss` is per token in nats, given the batch, the step, the tape and a noise stream; `validation` is a point of
    /// the curve (in `unit`). Returns the curve (including step 0 and the last) and the steps skipped.
    public func run<Batch>(parameters: [Parameter], random: inout RandomSource,
                           nextBatch: (inout RandomSource) -> Batch, validation: () -> Double,
                           loss: (Batch, Int, Tape, inout RandomSource) -> Var) -> (curve: [(step: Int, value: Double)], skipped: Int) {
        let decay = Foundation.pow(0.1, 1 / Double(max(steps, 1)))
        let adam = Adam(parameters, learningRate: .warmup(steps: 100, then: .exponential(initial: learningRate, decay: Float(decay))),
                        maxGradientNorm: maxGradientNorm)
        var batchRandom = random.split("batches"), noise = random.split("noise")
        var progress = Progress(label, totalSteps: steps)
        var curve: [(step: Int, value: Double)] = []
        var skipped = 0
        func record(_ step: Int) {
            let value = validation()
            curve.append((step, value))
            FileHandle.standardError.write(Data("\(label): step \(step)  validation \(unit.rawValue) \(String(format: "%.4f", value))\n".utf8))
        }
        for step in 0..<steps {
            if step % evaluateEvery == 0 { record(step) }
            let batch = nextBatch(&batchRandom)
            let tape = Tape()
            let value = loss(batch, step, tape, &noise)
            value.backward()
            guard value.scalar.isFinite, parameters.gradientNorm.isFinite else {
                skipped += 1
                parameters.zeroGradients()
                continue
            }
            adam.step()
            parameters.zeroGradients()
            progress.step(step, loss: Double(value.scalar) * unit.perNat)
        }
        record(steps)
        return (curve, skipped)
    }
}
