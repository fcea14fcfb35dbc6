import Foundation

/// A trained toy model's scores, each averaged over the data distribution exactly (every outcome weighted by
/// its probability, not a sample of outcomes), in nats.
public struct ToyScore: Sendable, Codable {
    /// log p(x), importance-sampled with S draws from q(z|x) per estimate (a stochastic lower bound).
    public let logLikelihood: Double
    /// E[log p(x|z)] with the hard decoder of Eq. 2.
    public let reconstruction: Double
    /// E[log p(z) − log q(z|x)] (the paper's third column is its negative).
    public let priorMinusPosterior: Double
    /// Eq. 9's Z by the acceptance frequency of prior draws (TRUFL only).
    public let z: ZEstimate?
    /// S.
    public let samples: Int
    /// The standard error of `logLikelihood` from the spread of the independent estimates per outcome.
    public let logLikelihoodError: Double

    /// The ELBO, E[log p(x|z)] + E[log p(z) − log q(z|x)].
    public var elbo: Double { reconstruction + priorMinusPosterior }
    /// log Z, or 0 without truncation.
    public var logZ: Double { z?.logZ ?? 0 }
}

extension ToyModel {
    /// Scores the model: for every outcome x, `replicates` estimates of log p(x) with `samples` importance draws
    /// each (hard indicator), the reconstruction and prior-minus-posterior terms averaged over all those draws,
    /// and, for TRUFL, Z from `zDraws` prior draws.
    public func evaluate(samples: Int, replicates: Int, zDraws: Int, using random: RandomSource) -> ToyScore {
        var noise = random.split("evaluation noise")
        let rows = data.outcomes.flatMap { [[Int]](repeating: $0, count: replicates) }
        let batch = CategoryBatch(rows: rows)
        var weights = [[Double]](repeating: [], count: rows.count)
        var reconstruction = [Double](repeating: 0, count: rows.count)
        var priorMinusPosterior = [Double](repeating: 0, count: rows.count)
        for _ in 0..<samples {
            let terms = evidenceLowerBound(batch, dequantiser: dequantiser, prior: prior, marginal: marginal,
                                           on: Tape(), using: &noise)
            let r = terms.reconstruction.value.scalars, p = terms.priorMinusPosterior.value.scalars
            for i in rows.indices {
                weights[i].append(Double(r[i]) + Double(p[i]))
                reconstruction[i] += Double(r[i])
                priorMinusPosterior[i] += Double(p[i])
            }
        }
        var logLikelihood = 0.0, meanReconstruction = 0.0, meanPriorMinusPosterior = 0.0, variance = 0.0
        for (o, probability) in data.probabilities.enumerated() {
            let range = (o * replicates)..<((o + 1) * replicates)
            let w = probability / Double(replicates)
            let estimates = range.map { logMeanExp(weights[$0]) }
            let mean = estimates.reduce(0, +) / Double(replicates)
            if replicates > 1 {
                let spread = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(replicates - 1)
                variance += probability * probability * spread / Double(replicates)
            }
            for i in range {
                logLikelihood += w * logMeanExp(weights[i])
                meanReconstruction += w * reconstruction[i] / Double(samples)
                meanPriorMinusPosterior += w * priorMinusPosterior[i] / Double(samples)
            }
        }
        var zSource = random.split("Z")
        let z = supports.map { boxes in
            RejectionSampler(prior: prior, latentsPerStep: training.dimensions, inSupport: { boxes.contains($0) })
                .estimateZ(draws: zDraws, using: &zSource)
        }
        return ToyScore(logLikelihood: logLikelihood, reconstruction: meanReconstruction,
                        priorMinusPosterior: meanPriorMinusPosterior, z: z, samples: samples,
                        logLikelihoodError: variance.squareRoot())
    }

    /// `count` draws of z ~ q(z|k) for each category k, for scatter plots: (z `[K·count, D]` row-major, categories).
    public func embeddings(count: Int, using random: RandomSource) -> (z: [[Double]], categories: [Int]) {
        var noise = random.split("embeddings")
        let x = (0..<data.categories).flatMap { [Int](repeating: $0, count: count) }
        let draw = dequantiser.sample(x, on: Tape(), using: &noise)
        let d = dequantiser.dimensions
        let values = draw.z.value.scalars
        return (x.indices.map { i in (0..<d).map { Double(values[i * d + $0]) } }, x)
    }
}
