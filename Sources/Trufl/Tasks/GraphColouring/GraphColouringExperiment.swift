import Foundation

/// One cell of Table 1 (Section 5.1): a dataset, one dequantiser and one seed; trains the model, then samples
/// colourings of the test graphs and measures their validity and the bits per node (chapter 06).
public enum GraphColouringExperiment: Experiment {
    public static let name = "graph-colouring"

    public struct Configuration: Codable, Sendable {
        /// The graphs and the sizes of the three splits, generated from `dataSeed`.
        public var size: GraphSize
        public var train: Int, validation: Int, test: Int
        public var dataSeed: UInt64
        public var model: GraphColouringModelSize
        public var training: GraphColouringTrainingSettings
        public var kind: ColouringDequantiserKind
        public var seed: Int
        /// The cell's random stream: `RandomSource(seed: rootSeed)` split by each of `streams`, then by `seed`.
        public var rootSeed: UInt64
        public var streams: [String]
        /// Algorithm 2's cap on prior draws per graph; importance samples per graph for the bits per node.
        public var rejectionAttempts: Int
        public var importanceSamples: Int
        /// Prior draws per test graph for TRUFL's log Z (Eq. 9); nil: not measured.
        public var logZDraws: Int?
        /// Also sample colourings choosing each colour by a draw from p(x|z), as Algorithm 2 has it.
        public var sampledColours: Bool
        /// CatNF's base logistic scale (nil: 1; CatNF's code: ``CatNFDequantiser/catNFBaseScale``).
        public var catNFBaseScale: Float?
        /// CatNF (σ_base = 1) only: after training and evaluating it, train TRUFL started from it
        /// (``GraphColouringModel/init(truflFrom:size:initialWidth:)``) with these settings, and evaluate that too.
        public var continueAsTRUFL: GraphColouringTrainingSettings?

        public init(size: GraphSize, train: Int, validation: Int, test: Int, dataSeed: UInt64,
                    model: GraphColouringModelSize, training: GraphColouringTrainingSettings,
                    kind: ColouringDequantiserKind, seed: Int, rootSeed: UInt64, streams: [String],
                    rejectionAttempts: Int = 100, importanceSamples: Int = 16, logZDraws: Int? = nil,
                    sampledColours: Bool = false, catNFBaseScale: Float? = nil,
                    continueAsTRUFL: GraphColouringTrainingSettings? = nil) {
            (self.size, self.train, self.validation, self.test, self.dataSeed) = (size, train, validation, test, dataSeed)
            (self.model, self.training, self.kind, self.seed) = (model, training, kind, seed)
            (self.rootSeed, self.streams) = (rootSeed, streams)
            (self.rejectionAttempts, self.importanceSamples) = (rejectionAttempts, importanceSamples)
            (self.logZDraws, self.sampledColours, self.catNFBaseScale) = (logZDraws, sampledColours, catNFBaseScale)
            self.continueAsTRUFL = continueAsTRUFL
            if continueAsTRUFL != nil, kind != .catnf || (catNFBaseScale ?? 1) != 1 {
                fatalError("GraphColouringExperiment: only CatNF with base scale 1 can be continued as TRUFL")
            }
        }

        /// The dataset this cell trains and tests on.
        public var dataset: GraphColouringDataset {
            GraphColouringDataset(size: size, seed: dataSeed, trainCount: train, validationCount: validation, testCount: test)
        }
    }

    public struct Result: Codable, Sendable {
        /// Validity of the test graphs' sampled colourings, decoding every node with Eq. 2 over all colours (a).
        public var validityIgnoringTruncation: Double
        /// TRUFL: Eq. 2 over the colours whose support holds the node's z, all colours when none does (b).
        public var validityFallback: Double?
        /// TRUFL: rejection sampling (Algorithm 2).
        public var validityRejection: Double?
        /// TRUFL, under rejection sampling: rejected draws over all draws, and graphs that hit the cap.
        public var rejectionRate: Double?
        public var capped: Int?
        /// Bits per node: the single-sample negative ELBO and the importance-sampled estimate.
        public var bpdELBO: Double
        public var bpdImportanceSampled: Double
        /// Training's loss per step, and the rejection rate of the probe graphs at the logged steps.
        public var losses: [Double]
        public var rejectionRateSteps: [Int]
        public var rejectionRates: [Double]
        /// The test graphs' ELBO terms in nats per node: reconstruction and KL (one draw each).
        public var reconstruction: Double?
        public var kl: Double?
        /// TRUFL: log Z per node (Eq. 9, ``GraphColouringModel/logZPerNode(_:draws:using:)``), test graphs never
        /// accepted, and the importance-sampled bits per node of the model rejection sampling samples from, whose prior
        /// is p(z)/Z on the supports (Eq. 8): bpd + log₂ Z per node, lower since log Z < 0 (nil if some graph was never
        /// accepted).
        public var logZPerNode: Double?
        public var graphsNeverAccepted: Int?
        public var bpdCorrected: Double?
        /// With `sampledColours`: the validities with each colour drawn from p(x|z), ignoring the truncation and (TRUFL)
        /// under rejection sampling.
        public var validitySampledColours: Double?
        public var validityRejectionSampledColours: Double?
        /// With a plateau schedule: the learning curve, the step whose parameters were kept, the steps trained.
        public var validation: [ValidationPoint]?
        public var bestStep: Int?
        public var stepsTrained: Int?
        /// With `continueAsTRUFL`: TRUFL started from this model, trained and measured the same way (one element).
        public var continuedAsTRUFL: [Result]?
    }

    public static func label(_ c: Configuration) -> String {
        let scale = c.catNFBaseScale.map { $0 == 1 ? "" : " σ \($0)" } ?? ""
        return "\(c.size.name) \(c.kind.rawValue)\(scale) seed \(c.seed)"
    }

    public static func run(_ c: Configuration) -> Result {
        let data = c.dataset
        let random = c.streams.reduce(RandomSource(seed: c.rootSeed)) { $0.split($1) }.split(c.seed)
        var initRandom = random.split("init")
        let model = GraphColouringModel(kind: c.kind, size: c.model, catNFBaseScale: c.catNFBaseScale ?? 1, random: &initRandom)
        var trainRandom = random.split("train")
        let log = model.train(on: data.train, probe: data.validation, settings: c.training, label: label(c), using: &trainRandom)
        var result = measure(model, trained: log, settings: c.training, c, data: data, random: random)
        if let settings = c.continueAsTRUFL {
            let continued = random.split("continued as TRUFL")
            let trufl = GraphColouringModel(truflFrom: model, size: c.model)
            var continueRandom = continued.split("train")
            let continuedLog = trufl.train(on: data.train, probe: data.validation, settings: settings,
                                           label: label(c) + " → trufl", using: &continueRandom)
            result.continuedAsTRUFL = [measure(trufl, trained: continuedLog, settings: settings, c, data: data, random: continued)]
        }
        return result
    }

    /// Samples colourings of the test graphs from a trained model and measures them (Table 1's columns and the rest).
    static func measure(_ model: GraphColouringModel, trained log: GraphColouringTrainingLog,
                        settings: GraphColouringTrainingSettings, _ c: Configuration,
                        data: GraphColouringDataset, random: RandomSource) -> Result {
        let testGraphs = data.test.map(\.graph)
        var sampleRandom = random.split("sample")
        let plain = model.sampleColourings(testGraphs, decoding: .ignoringTruncation, using: &sampleRandom)
        var rejected: SampledColourings? = nil
        if model.kind == .trufl {
            rejected = model.sampleColourings(testGraphs, decoding: .rejection(maxAttempts: c.rejectionAttempts), using: &sampleRandom)
        }
        let fallback = model.kind == .trufl
            ? model.sampleColourings(testGraphs, decoding: .fallbackOutsideSupports, using: &sampleRandom) : nil
        var bpdRandom = random.split("bpd")
        let bpd = model.bitsPerNode(data.test, samples: c.importanceSamples, using: &bpdRandom)
        var result = Result(validityIgnoringTruncation: colouringValidity(testGraphs, plain.colourings),
                            validityFallback: fallback.map { colouringValidity(testGraphs, $0.colourings) },
                            validityRejection: rejected.map { colouringValidity(testGraphs, $0.colourings) },
                            rejectionRate: rejected?.rejectionRate, capped: rejected?.capped,
                            bpdELBO: bpd.elbo, bpdImportanceSampled: bpd.importanceSampled, losses: log.losses,
                            rejectionRateSteps: log.rejectionRates.map(\.step), rejectionRates: log.rejectionRates.map(\.rate))
        result.reconstruction = bpd.reconstruction
        result.kl = bpd.kl
        if let draws = c.logZDraws, model.kind == .trufl {
            var zRandom = random.split("logZ")
            let z = model.logZPerNode(testGraphs, draws: draws, using: &zRandom)
            result.logZPerNode = z.logZPerNode
            result.graphsNeverAccepted = z.graphsNeverAccepted
            result.bpdCorrected = z.graphsNeverAccepted == 0 ? bpd.importanceSampled + z.logZPerNode / Foundation.log(2.0) : nil
        }
        if c.sampledColours {
            var colourRandom = random.split("sampled colours")
            let drawn = model.sampleColourings(testGraphs, decoding: .ignoringTruncation, choice: .sampled, using: &colourRandom)
            result.validitySampledColours = colouringValidity(testGraphs, drawn.colourings)
            if model.kind == .trufl {
                let drawnRejected = model.sampleColourings(testGraphs, decoding: .rejection(maxAttempts: c.rejectionAttempts),
                                                           choice: .sampled, using: &colourRandom)
                result.validityRejectionSampledColours = colouringValidity(testGraphs, drawnRejected.colourings)
            }
        }
        if settings.plateau != nil {
            (result.validation, result.bestStep, result.stepsTrained) = (log.validation, log.bestStep, log.losses.count)
        }
        return result
    }
}
