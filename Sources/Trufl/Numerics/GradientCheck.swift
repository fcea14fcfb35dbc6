/// Checking backward passes against central finite differences.
///
/// The function's output `y` is reduced to `L = Σ wᵢ yᵢ` with fixed random weights `w` (so every output
/// element matters); autodiff's `∂L/∂x` is compared with `(L(x + h) − L(x − h)) / 2h`, where `L` is summed
/// in `Double` and `h` is the step actually representable in `Float`. An entry passes when
/// `|autodiff − finite difference| ≤ absolute + relative · |finite difference|`.
public struct GradientCheckResult: CustomStringConvertible {
    /// The largest absolute discrepancy over all checked entries.
    public var maxAbsoluteError: Double = 0
    /// The number of entries checked.
    public var checked = 0
    /// A line for each failing entry (at most 10 kept).
    public var failures: [String] = []
    /// The number of failing entries.
    public var failureCount = 0

    /// Whether every entry passed.
    public var passed: Bool { failureCount == 0 }

    public var description: String {
        passed ? "gradient check passed (\(checked) entries, max abs error \(maxAbsoluteError))"
            : "gradient check FAILED \(failureCount)/\(checked):\n" + failures.joined(separator: "\n")
    }
}

/// Compares the autodiff gradients of `f` with central finite differences, for every element of every
/// tensor in `inputs` (given to `f` as leaves) and of every parameter in `parameters` (which `f` reads
/// with `tape[p]`). Parameters' gradients are zeroed before and after.
public func checkGradients(_ inputs: [Tensor], parameters: [Parameter] = [], step: Float = 1e-2,
                           absolute: Double = 1e-3, relative: Double = 1e-2, seed: UInt64 = 7,
                           _ f: (Tape, [Var]) -> Var) -> GradientCheckResult {
    parameters.zeroGradients()
    let tape = Tape()
    let leaves = inputs.map { tape.variable($0) }
    let y = f(tape, leaves)
    var random = RandomSource(seed: seed)
    let weights = Tensor.normal(y.shape, using: &random)
    (y * weights).sum().backward()
    let autodiffInputs = leaves.map { $0.grad }
    let autodiffParameters = parameters.map { $0.grad }
    parameters.zeroGradients()

    func loss(_ xs: [Tensor]) -> Double {
        let t = Tape()
        let out = f(t, xs.map { t.constant($0) }).value
        var acc: Double = 0
        for (v, w) in zip(out.scalars, weights.scalars) { acc += Double(v) * Double(w) }
        return acc
    }

    var result = GradientCheckResult()
    func compare(_ label: String, _ ad: Float, _ fd: Double) {
        let err = Swift.abs(Double(ad) - fd)
        result.checked += 1
        result.maxAbsoluteError = Swift.max(result.maxAbsoluteError, err)
        if !(err <= absolute + relative * Swift.abs(fd)) {
            result.failureCount += 1
            if result.failures.count < 10 { result.failures.append("\(label): autodiff \(ad), finite difference \(fd)") }
        }
    }

    for (i, x) in inputs.enumerated() {
        for j in 0..<x.count {
            var xs = inputs
            let x0 = x.scalars[j]
            let up = x0 + step, down = x0 - step
            xs[i].scalars[j] = up
            let lp = loss(xs)
            xs[i].scalars[j] = down
            let lm = loss(xs)
            compare("input \(i) element \(j)", autodiffInputs[i].scalars[j], (lp - lm) / (Double(up) - Double(down)))
        }
    }
    for (i, p) in parameters.enumerated() {
        for j in 0..<p.value.count {
            let x0 = p.value.scalars[j]
            let up = x0 + step, down = x0 - step
            p.value.scalars[j] = up
            let lp = loss(inputs)
            p.value.scalars[j] = down
            let lm = loss(inputs)
            p.value.scalars[j] = x0
            compare("parameter '\(p.name)' element \(j)", autodiffParameters[i].scalars[j],
                    (lp - lm) / (Double(up) - Double(down)))
        }
    }
    return result
}
