import Foundation
import Testing
@testable import Trufl

@Suite struct TruncatedLogisticTests {
    @Test func eq5KeepsTheWindowInsideTheUnitInterval() {
        for mTilde in stride(from: -30.0, through: 30.0, by: 2.5) {
            for sTilde in stride(from: -20.0, through: 20.0, by: 2.5) {
                let q = TruncatedLogistic(unconstrainedM: mTilde, unconstrainedS: sTilde)
                #expect(q.lowerU >= 0 && q.upperU <= 1 && q.s > 0, "m̃ = \(mTilde), s̃ = \(sTilde)")
            }
        }
    }

    @Test func samplesLieInTheSupportEvenAtTheEdges() {
        var random = RandomSource(seed: 3)
        for (m, s) in [(0.5, 1.0), (0.3, 0.4), (1e-6, 2e-6), (1 - 1e-6, 1e-6), (0.5, 1e-9), (0.999, 0.0015)] {
            let q = TruncatedLogistic(m: m, s: s)
            for _ in 0..<20_000 {
                let z = q.sample(using: &random)
                #expect(z.isFinite && q.contains(z) && q.logDensity(z).isFinite, "m = \(m), s = \(s), z = \(z)")
            }
        }
    }

    @Test func sampleIsTheQuantileOfTheWindow() {
        let q = TruncatedLogistic(m: 0.3, s: 0.4)
        #expect(abs(q.sample(0.5) - Logistic.quantile(0.3)) < 1e-12)
        #expect(abs(Logistic.sigmoid(q.sample(0.25)) - (0.3 - 0.1)) < 1e-12)
        #expect(abs(q.cdf(q.sample(0.8)) - 0.8) < 1e-12)
    }

    @Test func outsideTheSupportIsMinusInfinityNotNaN() {
        let q = TruncatedLogistic(m: 0.25, s: 0.5)  // the orthant z < 0
        #expect(q.logDensity(0.5) == -.infinity)
        #expect(q.logDensity(1e6) == -.infinity)
        #expect(q.logDensity(-1e6) < -1e5)  // inside the orthant, far out: a finite log-density (a NaN fails this)
        #expect(!q.logDensity(-.infinity).isNaN && !q.logDensity(.infinity).isNaN)
        #expect(q.logDensity(-1) == Logistic.logDensity(-1) - log(0.5))
    }

    @Test func densityIntegratesToOneOverItsSupport() {
        for (m, s) in [(0.5, 1.0), (0.3, 0.4), (0.75, 0.5), (0.01, 0.02), (0.9, 0.05)] {
            let q = TruncatedLogistic(m: m, s: s)
            let mass = Quadrature.integrate(from: max(q.support.lowerBound, -60), to: min(q.support.upperBound, 60)) {
                exp(q.logDensity($0))
            }
            #expect(abs(mass - 1) < 1e-9, "m = \(m), s = \(s): ∫ f = \(mass)")
        }
    }

    @Test func untruncatedCaseIsTheLogistic() {
        let q = TruncatedLogistic(m: 0.5, s: 1)
        #expect(q.support.lowerBound == -.infinity && q.support.upperBound == .infinity)
        for z in stride(from: -40.0, through: 40.0, by: 0.5) { #expect(q.logDensity(z) == Logistic.logDensity(z)) }
    }

    @Test func logisticIsStableInTheTails() {
        #expect(Logistic.logSigmoid(-800.0) == -800)
        #expect(Logistic.logSigmoid(800.0) == 0)
        #expect(abs(Logistic.logDensity(700) - (-700)) < 1e-9)
        #expect(Logistic.quantile(1e-300).isFinite)
    }

    @Test func kolmogorovSmirnovDetectsTheWrongDistribution() {
        var random = RandomSource(seed: 9)
        let q = TruncatedLogistic(m: 0.3, s: 0.4)
        let samples = (0..<5_000).map { _ in q.sample(using: &random) }
        let critical = KolmogorovSmirnov.criticalValue(samples: samples.count)
        #expect(KolmogorovSmirnov.distance(samples, cdf: q.cdf) < critical)
        let shifted = TruncatedLogistic(m: 0.32, s: 0.4)
        #expect(KolmogorovSmirnov.distance(samples, cdf: shifted.cdf) > critical)
        #expect(abs(KolmogorovSmirnov.criticalValue(samples: 10_000, alpha: 0.01) - 0.016276) < 1e-5)
    }

    @Test func quadratureIsExactForPolynomialsAndOpenAtTheEnds() {
        #expect(abs(Quadrature.integrate(from: 0, to: 2, panels: 3) { $0 * $0 * $0 * $0 } - 32.0 / 5) < 1e-12)
        // A step that is 0 exactly at the left end: an open rule does not see the end point.
        #expect(abs(Quadrature.integrate(from: 0, to: 1, panels: 10) { $0 > 0 ? 1 : 0 } - 1) < 1e-15)
    }
}
