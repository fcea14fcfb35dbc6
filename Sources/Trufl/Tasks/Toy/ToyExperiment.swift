import Foundation

/// One cell of chapter 05 (Table 5 and its ablations): trains a dequantiser and a prior on the toy joint
/// (``ToyDistribution/table5``) and scores them; optionally draws from q(z|k) for the figure and measures
/// where the categories went (``ToyObservations``).
public enum ToyExperiment: Experiment {
    public static let name = "toy"

    public struct Configuration: Codable, Sendable {
        public var training: ToyTraining
        /// The cell's random stream: `RandomSource(seed: rootSeed)` split by each of `streams`, then by `seed`;
        /// the model, its training and its evaluation each split it once more.
        public var rootSeed: UInt64
        public var streams: [String]
        public var seed: Int
        /// Importance draws per estimate, estimates per outcome, prior draws for Z.
        public var samples: Int, replicates: Int, zDraws: Int
        /// Draws from q(z|k) for a figure (0: none), from the stream `figureStreams`.
        public var figureDraws: Int
        public var figureStreams: [String]
        /// Draws from q(z|k) for ``ToyObservations`` (0: none), from the stream `observationStreams`.
        public var observationDraws: Int
        public var observationStreams: [String]

        public init(training: ToyTraining, rootSeed: UInt64, streams: [String], seed: Int, samples: Int, replicates: Int,
                    zDraws: Int, figureDraws: Int = 0, figureStreams: [String] = [], observationDraws: Int = 0,
                    observationStreams: [String] = []) {
            (self.training, self.rootSeed, self.streams, self.seed) = (training, rootSeed, streams, seed)
            (self.samples, self.replicates, self.zDraws) = (samples, replicates, zDraws)
            (self.figureDraws, self.figureStreams) = (figureDraws, figureStreams)
            (self.observationDraws, self.observationStreams) = (observationDraws, observationStreams)
        }

        func stream(_ names: [String]) -> RandomSource { names.reduce(RandomSource(seed: rootSeed)) { $0.split($1) } }
    }

    public struct Result: Codable, Sendable {
        public var score: ToyScore
        /// Training steps skipped for a non-finite loss or gradient.
        public var skippedSteps: Int
        /// The figure's draws (z per draw, and its category), when asked for.
        public var figure: ToyEmbeddings?
        public var observations: ToyObservations?
    }

    public static func label(_ c: Configuration) -> String {
        (c.streams.last ?? c.training.method.rawValue) + " seed \(c.seed)"
    }

    public static func run(_ c: Configuration) -> Result {
        let source = c.stream(c.streams).split(c.seed)
        let model = ToyModel(data: .table5, training: c.training, random: source.split("model"))
        model.train(label: label(c), using: source.split("training"))
        let score = model.evaluate(samples: c.samples, replicates: c.replicates, zDraws: c.zDraws, using: source.split("evaluation"))
        var figure: ToyEmbeddings? = nil
        if c.figureDraws > 0 {
            let (z, categories) = model.embeddings(count: c.figureDraws, using: c.stream(c.figureStreams))
            figure = ToyEmbeddings(z: z, categories: categories)
        }
        let observations = c.observationDraws > 0
            ? model.observations(count: c.observationDraws, using: c.stream(c.observationStreams)) : nil
        return Result(score: score, skippedSteps: model.skippedSteps, figure: figure, observations: observations)
    }
}

/// Draws from q(z|k): each draw's latent and its category.
public struct ToyEmbeddings: Codable, Sendable {
    public var z: [[Double]]
    public var categories: [Int]
}

/// Where a toy model put categories 0 and 2 (equal rows of Table 5's joint) and whether the decoder can tell
/// them apart: the quadrant most of each category's draws fall in and its share, p(x = 2 | z) averaged over
/// z ~ q(z|0) (Eq. 2, hard indicator), the category whose mean draw lies nearest category 0's, and every
/// category's mean draw (its centre, for ``PairingTest``).
public struct ToyObservations: Codable, Sendable {
    public var quadrant0: String, share0: Double
    public var quadrant2: String, share2: Double
    public var confusion: Double
    public var nearestToZero: Int
    /// `centres[k]`: the mean of category k's draws.
    public var centres: [[Double]]
}

extension ToyModel {
    /// ``ToyObservations`` from `count` draws of q(z|k).
    public func observations(count: Int, using random: RandomSource) -> ToyObservations {
        let (z, categories) = embeddings(count: count, using: random)
        func quadrant(_ z: [Double]) -> String { (z[0] < 0 ? "−" : "+") + (z[1] < 0 ? "−" : "+") }
        func dominant(_ k: Int) -> (String, Double) {
            let own = z.indices.filter { categories[$0] == k }.map { quadrant(z[$0]) }
            let counts = Dictionary(own.map { ($0, 1) }, uniquingKeysWith: +)
            let best = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
            return (best.key, Double(best.value) / Double(own.count))
        }
        let (q0, share0) = dominant(0), (q2, share2) = dominant(2)
        let zeros = z.indices.filter { categories[$0] == 0 }
        let tensor = Tensor(shape: [zeros.count, 2], scalars: zeros.flatMap { z[$0].map(Float.init) })
        let posterior = dequantiser.logPosterior(Tape().constant(tensor), marginal: marginal).value
        let confusion = (0..<zeros.count).reduce(0.0) { $0 + Foundation.exp(Double(posterior[$1, 2])) } / Double(zeros.count)
        let means = (0..<4).map { k -> [Double] in
            let rows = z.indices.filter { categories[$0] == k }
            return (0..<2).map { d in rows.reduce(0.0) { $0 + z[$1][d] } / Double(rows.count) }
        }
        let nearest = (1..<4).min { a, b in
            zip(means[a], means[0]).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                < zip(means[b], means[0]).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }!
        return ToyObservations(quadrant0: q0, share0: share0, quadrant2: q2, share2: share2, confusion: confusion,
                               nearestToZero: nearest, centres: means)
    }
}
