import Foundation

/// A learning rate as a function of the step number (0 for the first update).
public indirect enum LearningRateSchedule: Sendable, ExpressibleByFloatLiteral {
    /// The same rate every step.
    case constant(Float)
    /// `initial · decay^step` (e.g. decay 0.999975 per step).
    case exponential(initial: Float, decay: Float)
    /// Linear ramp from `rate(0)/steps` up to the wrapped schedule over `steps` steps, then the wrapped schedule.
    case warmup(steps: Int, then: LearningRateSchedule)

    public init(floatLiteral value: Float) { self = .constant(value) }

    /// The rate at `step`.
    public func rate(at step: Int) -> Float {
        switch self {
        case .constant(let r): return r
        case let .exponential(initial, decay): return initial * Float(Foundation.pow(Double(decay), Double(step)))
        case let .warmup(steps, then):
            let r = then.rate(at: step)
            return step < steps ? r * Float(step + 1) / Float(steps) : r
        }
    }
}
