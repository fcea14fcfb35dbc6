import Foundation
import Testing
@testable import Trufl

/// Eq. 3's ELBO and its split, the importance-sampled log-likelihood, and bits per dimension.
@Suite struct ELBOTests {
    /// With disjoint supports the reconstruction is exactly 0 and the ELBO is log p(z) − log q(z|x);
    /// the terms add up and have one value per example for `[B]` and `[B, T]` batches.
    @Test func termsAndShapes() {
        let q = Dequantisers.trufl(categories: 3, dimensions: 2, disjoint: true)
        var random = RandomSource(seed: 31)
        let marginal = EmpiricalMarginal(counting: [0, 1, 1, 2, 2, 2], categories: 3)
        for x in [CategoryBatch([0, 2, 1, 1]), CategoryBatch(rows: [[0, 1, 2], [2, 2, 1]])] {
            let tape = Tape()
            let terms = evidenceLowerBound(x, dequantiser: q, prior: StandardLogisticPrior(), marginal: marginal,
                                           on: tape, using: &random)
            #expect(terms.reconstruction.shape == [x.batchSize] && terms.elbo.shape == [x.batchSize])
            #expect(terms.z.shape == (x.shape.rank == 1 ? [x.batchSize, 2] : [x.batchSize, x.length, 2]))
            #expect(terms.reconstruction.value.scalars.allSatisfy { $0 == 0 })
            for b in 0..<x.batchSize {
                #expect(terms.elbo.value.scalars[b] == terms.priorMinusPosterior.value.scalars[b])
            }
        }
    }

    /// The Monte-Carlo ELBO of CatNF with the factorised logistic prior, against the same expectation by
    /// quadrature in 1-D: E_q[log p(x|z) + log p(z) − log q(z|x)].
    @Test func elboMatchesQuadratureIn1D() {
        let q = Dequantisers.catNF(categories: 2, dimensions: 1)
        let marginal = EmpiricalMarginal(probabilities: [0.3, 0.7])
        var random = RandomSource(seed: 32)
        let n = 200_000
        for c in 0..<2 {
            let tape = Tape()
            let terms = evidenceLowerBound(CategoryBatch([Int](repeating: c, count: n)), dequantiser: q,
                                           prior: StandardLogisticPrior(), marginal: marginal, on: tape, using: &random)
            let values = terms.elbo.value.scalars.map(Double.init)
            let mean = values.reduce(0, +) / Double(n)
            let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
            // Σ over nothing: ∫ q(z|c)·(log p(c|z) + log p(z) − log q(z|c)) dz by quadrature.
            let exact = regionIntegral([{ _ in (-70, 70) }], panels: 4000, integrand: { z in
                let t = Tape()
                let zv = t.constant(z)
                let own = [Int](repeating: c, count: z.shape[0])
                let logQ = q.logDensities(zv, indicator: .hard).gather(lastAxis: own)
                let post = q.logPosterior(zv, marginal: marginal).gather(lastAxis: own)
                let integrand = post + StandardLogisticPrior().logDensity(zv) - logQ
                return zip(logQ.value.scalars, integrand.value.scalars).map { Foundation.exp(Double($0)) * Double($1) }
            })
            #expect(abs(mean - exact) < 4 * sd / Double(n).squareRoot(), "category \(c): MC \(mean) ± \(sd / Double(n).squareRoot()), quadrature \(exact)")
        }
    }

    /// The importance-sampled estimate is at least the ELBO on average and tightens with S; with disjoint
    /// supports and the prior equal to the aggregate posterior it is exact: log p(x) = log P(x).
    @Test func importanceSamplingTightens() {
        let q = Dequantisers.catNF(categories: 3, dimensions: 1)
        let marginal = EmpiricalMarginal.uniform(3)
        let x = CategoryBatch([Int](repeating: 1, count: 400))
        var random = RandomSource(seed: 33)
        let prior = StandardLogisticPrior()
        let one = importanceSampledLogLikelihood(x, dequantiser: q, prior: prior, marginal: marginal, samples: 1, using: &random)
        let many = importanceSampledLogLikelihood(x, dequantiser: q, prior: prior, marginal: marginal, samples: 64, using: &random)
        let meanOne = one.reduce(0, +) / 400, meanMany = many.reduce(0, +) / 400
        #expect(meanMany > meanOne + 0.01, "S = 64: \(meanMany), S = 1: \(meanOne)")

        let disjoint = Dequantisers.trufl(categories: 3, dimensions: 1, disjoint: true)
        let aggregate = ClosurePrior { z in
            let logQ = disjoint.logDensities(z.reshaped([-1, 1]), indicator: .hard) + z.tape.constant(marginal.logProbabilities)
            return logQ.logSumExp(axis: -1)
        }
        let exact = importanceSampledLogLikelihood(CategoryBatch([0, 1, 2]), dequantiser: disjoint, prior: aggregate,
                                                   marginal: marginal, samples: 8, using: &random)
        for v in exact { #expect(abs(v - Foundation.log(1.0 / 3)) < 1e-5, "\(v)") }
    }

    @Test func bitsPerDimensionAndLogMeanExp() {
        #expect(abs(bitsPerDimension(negativeLogLikelihood: 10 * Foundation.log(2.0), dimensions: 5) - 2) < 1e-12)
        #expect(abs(bitsPerDimension(logLikelihoods: [-Foundation.log(4.0), -Foundation.log(16.0)], dimensions: 1) - 3) < 1e-12)
        #expect(abs(logMeanExp([0, Foundation.log(3.0)]) - Foundation.log(2.0)) < 1e-12)
        #expect(logMeanExp([-.infinity, -.infinity]) == -.infinity)
        #expect(abs(logMeanExp([-1000, -1000 + Foundation.log(3.0)]) - (-1000 + Foundation.log(2.0))) < 1e-9)
    }

    @Test func lossWeightsTheReconstruction() {
        let q = Dequantisers.catNF(categories: 2, dimensions: 1)
        var random = RandomSource(seed: 34)
        let terms = evidenceLowerBound(CategoryBatch([0, 1, 1]), dequantiser: q, prior: StandardLogisticPrior(),
                                       marginal: .uniform(2), on: Tape(), using: &random)
        let r = terms.reconstruction.value.mean().scalar, p = terms.priorMinusPosterior.value.mean().scalar
        #expect(abs(terms.loss(reconstructionWeight: 2).scalar + 2 * r + p) < 1e-5)
        #expect(abs(terms.loss().scalar + r + p) < 1e-5)
    }
}
