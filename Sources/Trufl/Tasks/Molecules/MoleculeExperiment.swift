import Foundation

/// One cell of Table 2 (Section 5.2): one dequantiser and one seed. Reads the ZINC sample, splits it (seed
/// `splitSeed`, `validationCount` held out), trains the molecule model on the training molecules, measures the
/// bound on the held-out ones, and samples molecules (for TRUFL also with Algorithm 2). The molecules are judged
/// by RDKit in the chapter (``MoleculeMetrics``), from the graphs stored here.
public enum MoleculeExperiment: Experiment {
    public static let name = "molecules"

    public struct Configuration: Codable, Sendable {
        public var kind: MoleculeDequantiserKind
        public var model: MoleculeModelSize
        public var training: MoleculeTrainingSettings
        public var seed: Int
        /// The cell's random stream: `RandomSource(seed: rootSeed)` split by each of `streams`, then by `seed`.
        public var rootSeed: UInt64
        public var streams: [String]
        /// The split of the 5,000 molecules (``MoleculeSplit``).
        public var splitSeed: UInt64
        public var validationCount: Int
        /// Molecules sampled (each way), and Algorithm 2's cap on prior draws per molecule.
        public var samples: Int
        public var rejectionAttempts: Int

        public init(kind: MoleculeDequantiserKind, model: MoleculeModelSize, training: MoleculeTrainingSettings,
                    seed: Int, rootSeed: UInt64, streams: [String], splitSeed: UInt64 = 1, validationCount: Int = 500,
                    samples: Int, rejectionAttempts: Int) {
            (self.kind, self.model, self.training, self.seed) = (kind, model, training, seed)
            (self.rootSeed, self.streams, self.splitSeed, self.validationCount) = (rootSeed, streams, splitSeed, validationCount)
            (self.samples, self.rejectionAttempts) = (samples, rejectionAttempts)
        }
    }

    public struct Result: Codable, Sendable {
        /// Training's loss per step (per category: atoms and pairs).
        public var losses: [Double]
        /// The held-out molecules' negative ELBO, nats per molecule.
        public var validation: MoleculeBound
        /// Molecules sampled without rejection (``MoleculeDecoding/oneDraw``).
        public var samples: [MoleculeGraph]
        /// TRUFL: molecules sampled with Algorithm 2, its rejection rate and the molecules that hit the cap.
        /// TRUFL: the fraction of the atoms' and the pairs' latents of the one-draw samples that lie in some support.
        public var atomsInSupport: Double?
        public var pairsInSupport: Double?
        public var rejectionSamples: [MoleculeGraph]?
        public var rejectionRate: Double?
        public var capped: Int?
    }

    public static func label(_ c: Configuration) -> String { "molecules \(c.kind.rawValue) seed \(c.seed)" }

    public static func run(_ c: Configuration) -> Result {
        let zinc: MoleculeDataset
        do { zinc = try MoleculeDataset.zinc() } catch { fatalError("the molecule experiment needs its molecules: \(error)") }
        let split = MoleculeSplit(count: zinc.count, validationCount: c.validationCount, seed: c.splitSeed)
        let training = zinc.subset(split.training).graphs, validation = zinc.subset(split.validation).graphs
        let random = c.streams.reduce(RandomSource(seed: c.rootSeed)) { $0.split($1) }.split(c.seed)
        var initRandom = random.split("init")
        let model = MoleculeModel(kind: c.kind, size: c.model, atomTypes: zinc.atomTypes, training: training,
                                  random: &initRandom)
        var trainRandom = random.split("train")
        let losses = model.train(on: training, settings: c.training, label: label(c), using: &trainRandom)
        var boundRandom = random.split("bound")
        let bound = model.bound(validation, using: &boundRandom)
        var sampleRandom = random.split("sample")
        let plain = model.sample(c.samples, decoding: .oneDraw, using: &sampleRandom)
        report(c, "held-out −ELBO \(bound.negativeELBO) nats per molecule; sampled \(plain.graphs.count) molecules")
        var result = Result(losses: losses, validation: bound, samples: plain.graphs,
                            atomsInSupport: plain.firstDrawInSupport?.atoms, pairsInSupport: plain.firstDrawInSupport?.pairs)
        if c.kind == .trufl {
            var rejectionRandom = random.split("rejection")
            let rejected = model.sample(c.samples, decoding: .rejection(maxAttempts: c.rejectionAttempts),
                                        using: &rejectionRandom)
            (result.rejectionSamples, result.rejectionRate, result.capped) =
                (rejected.graphs, rejected.rejectionRate, rejected.capped)
            report(c, "sampled \(rejected.graphs.count) molecules with Algorithm 2, rejection rate \(rejected.rejectionRate)")
        }
        return result
    }

    /// A progress line on standard error (sampling thousands of molecules takes minutes at the full profile).
    static func report(_ c: Configuration, _ text: String) {
        FileHandle.standardError.write(Data("\(label(c)): \(text)\n".utf8))
    }
}
