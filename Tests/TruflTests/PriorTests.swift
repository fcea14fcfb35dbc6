import Testing
@testable import Trufl

/// Moves every parameter away from its initial value, so that tests see a flow that is not near the identity.
func perturb(_ parameters: [Parameter], scale: Float, seed: UInt64) {
    var random = RandomSource(seed: seed)
    for p in parameters { p.value = p.value + Tensor.normal(p.value.shape, scale: scale, using: &random) }
}

@Suite struct PriorTests {
    static func flows(_ seed: UInt64) -> [(String, any Flow)] {
        var random = RandomSource(seed: seed)
        let affine = ElementwiseAffine(dimension: 4, name: "a")
        let mixture = MixtureLogisticCoupling(dimension: 4, parity: 1, mixtures: 3, hidden: [16], name: "m", random: &random)
        for (i, flow) in [affine, mixture].enumerated() as EnumeratedSequence<[any Flow]> {
            perturb(flow.parameters, scale: 0.3, seed: seed + UInt64(i))
        }
        return [("elementwise affine", affine), ("mixture coupling", mixture)]
    }

    @Test func inverseUndoesForward() {
        var random = RandomSource(seed: 1)
        let z = Tensor.normal([32, 4], scale: 2, using: &random)
        for (name, flow) in Self.flows(11) {
            let (u, _) = flow.forward(Tape().constant(z))
            let back = flow.inverse(u.value)
            let error = zip(back.scalars, z.scalars).map { abs($0 - $1) }.max()!
            #expect(error < 2e-4, "\(name): max |inverse(forward(z)) − z| = \(error)")
        }
    }

    @Test func logDeterminantMatchesTheJacobian() {
        // For each flow, log|det ∂u/∂z| against the log-determinant of a finite-difference Jacobian.
        var random = RandomSource(seed: 2)
        let z = Tensor.normal([1, 4], using: &random)
        for (name, flow) in Self.flows(12) {
            let (_, logDet) = flow.forward(Tape().constant(z))
            var jacobian = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
            let h: Float = 1e-2
            for j in 0..<4 {
                var plus = z, minus = z
                plus.scalars[j] += h
                minus.scalars[j] -= h
                let up = flow.forward(Tape().constant(plus)).0.value, down = flow.forward(Tape().constant(minus)).0.value
                for i in 0..<4 { jacobian[i][j] = Double(up.scalars[i] - down.scalars[i]) / Double(2 * h) }
            }
            let numeric = logAbsDeterminant(jacobian)
            #expect(abs(numeric - Double(logDet.value.scalars[0])) < 5e-3, "\(name): \(numeric) vs \(logDet.value.scalars[0])")
        }
    }

    @Test func gradientsOfLogDensities() {
        var random = RandomSource(seed: 3)
        // tanh networks: a finite difference across a ReLU kink measures nothing.
        let autoregressive = AutoregressivePrior(dimension: 3, mixtures: 2, hidden: [8], activation: .tanh, random: &random)
        let flow = FlowPrior.mixtureCouplings(dimension: 4, couplings: 2, mixtures: 2, hidden: [8], random: &random)
        perturb(autoregressive.parameters, scale: 0.2, seed: 30)
        perturb(flow.parameters, scale: 0.2, seed: 31)
        var inputs = Inputs(4)
        let a = checkGradients([inputs.normal([3, 3])], parameters: autoregressive.parameters) { _, x in
            autoregressive.logDensity(x[0])
        }
        #expect(a.passed, "\(a)")
        let f = checkGradients([inputs.normal([3, 4])], parameters: flow.parameters) { _, x in flow.logDensity(x[0]) }
        #expect(f.passed, "\(f)")
    }

    /// log p(z) integrates to 1: tensor-product Gauss–Legendre on [−60, 60]² for 2-D priors. The networks
    /// use tanh: with ReLU a coupling's mixture scales grow with |z| and the tails spread far past any grid.
    @Test func priorsAreNormalised() {
        var random = RandomSource(seed: 5)
        let autoregressive = AutoregressivePrior(dimension: 2, mixtures: 3, hidden: [16], activation: .tanh, random: &random)
        let mixtureFlow = FlowPrior.mixtureCouplings(dimension: 2, couplings: 2, mixtures: 3, hidden: [16], activation: .tanh,
                                                     random: &random)
        perturb(autoregressive.parameters, scale: 0.1, seed: 50)
        perturb(mixtureFlow.parameters, scale: 0.1, seed: 51)
        for (name, prior) in [("autoregressive", autoregressive), ("mixture flow", mixtureFlow)] as [(String, any Prior)] {
            let mass = GridIntegral.integrate(prior, x: -60...60, y: -60...60, panels: 120)
            #expect(abs(mass - 1) < 1e-3, "\(name): ∫ p = \(mass)")
        }
    }

    @Test func samplesFollowTheDensity() {
        // The sample mean of each prior matches the mean computed by quadrature.
        var random = RandomSource(seed: 6)
        let autoregressive = AutoregressivePrior(dimension: 2, mixtures: 3, hidden: [16], random: &random)
        let mixtureFlow = FlowPrior.mixtureCouplings(dimension: 2, couplings: 2, mixtures: 3, hidden: [16], random: &random)
        perturb(autoregressive.parameters, scale: 0.1, seed: 60)
        perturb(mixtureFlow.parameters, scale: 0.1, seed: 61)
        for (name, prior) in [("autoregressive", autoregressive), ("mixture flow", mixtureFlow)] as [(String, any Prior)] {
            let n = 4000
            let samples = prior.sample(count: n, using: &random)
            for d in 0..<2 {
                let values = (0..<n).map { Double(samples.scalars[2 * $0 + d]) }
                let mean = values.reduce(0, +) / Double(n)
                let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)).squareRoot()
                let exact = GridIntegral.integrate(prior, x: -60...60, y: -60...60, panels: 120) { x, y in d == 0 ? x : y }
                #expect(abs(mean - exact) < 4 * sd / Double(n).squareRoot(), "\(name), dimension \(d): \(mean) vs \(exact)")
            }
        }
    }

    @Test func rejectionSamplerEstimatesZ() {
        var random = RandomSource(seed: 7)
        let prior = StandardLogisticPrior(dimension: 2)
        // Support: z < 1 in each step (one latent per step): Z = σ(1)² for two steps.
        let sampler = RejectionSampler(prior: prior, latentsPerStep: 1) { $0.first! < 1 }
        let estimate = sampler.estimateZ(draws: 40_000, using: &random)
        let exact = Logistic.sigmoid(1.0) * Logistic.sigmoid(1.0)
        #expect(abs(estimate.value - exact) < 4 * estimate.standardError, "\(estimate.value) vs \(exact)")
        // Panel edges on the integers, so the indicator's jump at 1 falls between panels.
        let grid = GridIntegral.integrate(prior, x: -29...31, y: -29...31, panels: 60) { x, y in x < 1 && y < 1 ? 1 : 0 }
        #expect(abs(grid - exact) < 1e-4, "grid \(grid) vs \(exact)")
        let (z, proposals) = sampler.sample(count: 500, using: &random)
        #expect(z.scalars.allSatisfy { $0 < 1 })
        #expect(proposals >= 500)
    }
}

/// log|det A| by Gaussian elimination with partial pivoting.
func logAbsDeterminant(_ matrix: [[Double]]) -> Double {
    var a = matrix
    let n = a.count
    var total = 0.0
    for column in 0..<n {
        let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
        a.swapAt(column, pivot)
        total += Double.log(abs(a[column][column]))
        for row in (column + 1)..<n {
            let factor = a[row][column] / a[column][column]
            for k in column..<n { a[row][k] -= factor * a[column][k] }
        }
    }
    return total
}
