import Foundation

/// log Z (Eq. 9) of the language prior for a chunk of T characters: the prior probability that every z_t lies in
/// some category's support. Over T = 100 or more characters plain rejection (the acceptance frequency of whole
/// draws, Algorithm 2) would almost never accept, so Z is estimated as a product over time of conditional
/// acceptance rates with N particles (sequential Monte Carlo with the support indicator as the weight):
///
///     Z = Π_t P(z_t ∈ supp | z_<t ∈ supp),    Ẑ = Π_t A_t / N,
///
/// where A_t of the N particles' draws z_t ~ p(z_t | z_<t) land in a support; each rejected particle is then
/// replaced by a copy of an accepted one chosen uniformly (its LSTM state too), so that every accepted particle
/// is expected to carry N / A_t copies. Ẑ is unbiased for Z (log Ẑ is biased low by about its variance / 2).
public struct TruncatedPriorMass: Sendable, Codable {
    /// log Ẑ for a chunk (nats); −∞ when every particle was rejected at some step.
    public var logZ: Double
    /// A_t / N at each step.
    public var acceptance: [Double]
    public var particles: Int

    /// log Ẑ of the first `length` steps (a sentence of that many tokens): the same estimate stopped there, as
    /// unbiased for Z of the shorter sequence as the whole is for the longer one.
    public func logZ(length: Int) -> Double {
        guard length <= acceptance.count || acceptance.last == 0 else {
            fatalError("TruncatedPriorMass: estimated over \(acceptance.count) steps, asked for \(length)")
        }
        var total = 0.0
        for rate in acceptance.prefix(length) {
            guard rate > 0 else { return -.infinity }
            total += Foundation.log(rate)
        }
        return total
    }

    public static func estimate(prior: LSTMMADEPrior, dequantiser: TRUFLDequantiser, length: Int, particles: Int,
                                using random: inout RandomSource) -> TruncatedPriorMass {
        let n = particles, d = prior.dimensions, hidden = prior.lstm.hiddenSize
        var hiddenState = Tensor.zeros([n, hidden]), cell = Tensor.zeros([n, hidden])
        var previous = Tensor.zeros([n, d])
        var logZ = 0.0
        var acceptance: [Double] = []
        for _ in 0..<length {
            let tape = Tape()
            let state = prior.lstm.step(tape.constant(previous),
                                        LSTM.State(hidden: tape.constant(hiddenState), cell: tape.constant(cell)))
            hiddenState = state.hidden.value
            cell = state.cell.value
            let z = prior.sampleStep(context: hiddenState, using: &random)
            let logQ = dequantiser.logDensities(tape.constant(z), indicator: .hard).value   // [N, K], −∞ outside
            let k = dequantiser.categories
            let accepted = (0..<n).filter { row in (0..<k).contains { logQ.scalars[row * k + $0] > -.infinity } }
            let rate = Double(accepted.count) / Double(n)
            acceptance.append(rate)
            guard !accepted.isEmpty else { return TruncatedPriorMass(logZ: -.infinity, acceptance: acceptance, particles: n) }
            logZ += Foundation.log(rate)
            var isAccepted = [Bool](repeating: false, count: n)
            for row in accepted { isAccepted[row] = true }
            let source = (0..<n).map { isAccepted[$0] ? $0 : accepted[random.int(below: accepted.count)] }
            previous = z.gather(rows: source)
            hiddenState = hiddenState.gather(rows: source)
            cell = cell.gather(rows: source)
        }
        return TruncatedPriorMass(logZ: logZ, acceptance: acceptance, particles: n)
    }
}
