import Foundation

/// Training progress on standard error: the step, the running loss and steps per second, at most every
/// `interval` seconds. Standard error is shown while a chapter runs but never compared, so a chapter's
/// checked output stays the same however fast the machine is.
public struct Progress {
    public let label: String
    public let totalSteps: Int
    let interval: Double
    let started = Date()
    var lastReport = Date.distantPast
    var runningLoss: Double?

    public init(_ label: String, totalSteps: Int, interval: Double = 2) {
        self.label = label
        self.totalSteps = totalSteps
        self.interval = interval
    }

    /// Records one step's loss; prints a line when `interval` has passed, and at the last step.
    public mutating func step(_ step: Int, loss: Double) {
        runningLoss = runningLoss.map { 0.95 * $0 + 0.05 * loss } ?? loss
        let now = Date()
        guard now.timeIntervalSince(lastReport) >= interval || step + 1 == totalSteps else { return }
        lastReport = now
        let elapsed = now.timeIntervalSince(started)
        let rate = Double(step + 1) / max(elapsed, 1e-9)
        let line = String(format: "%@: step %d/%d  loss %.4f  %.1f steps/s  %.0f s\n", label, step + 1, totalSteps,
                          runningLoss ?? loss, rate, elapsed)
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// The wall time of each stage after training (evaluation, statistics) on standard error, so that a long cell
/// shows where it is; never part of a result.
public struct StageClock {
    let label: String
    var last = Date()

    public init(_ label: String) { self.label = label }

    public mutating func done(_ stage: String) {
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "%@: %@ done in %.1f s\n", label, stage, now.timeIntervalSince(last)).utf8))
        last = now
    }
}
