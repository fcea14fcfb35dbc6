import Foundation

/// How a graph-colouring model is trained (Section 5.1; CatNF's recipe scaled down).
public struct GraphColouringTrainingSettings: Sendable, Codable {
    public var steps: Int
    public var batchSize: Int
    public var learningRate: Float
    /// Adam's gradient-norm clip (CatNF: 0.25).
    public var maxGradientNorm: Float
    /// β on the reconstruction decays exponentially from 2 to 1 with this half-life in steps (CatNF: 5000).
    public var warmupHalfLife: Double
    /// TRUFL's soft indicator temperature during training (hard for evaluation and sampling).
    public var softTemperature: Float
    /// Log the rejection rate every this many steps (0: never).
    public var logEvery: Int
    /// Graphs (from the validation split) on which the rejection rate is measured, one prior draw each.
    public var probeGraphs: Int

    public init(steps: Int, batchSize: Int, learningRate: Float = 1e-3, maxGradientNorm: Float = 1,
                warmupHalfLife: Double, softTemperature: Float = 0.02, logEvery: Int, probeGraphs: Int) {
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.maxGradientNorm = maxGradientNorm
        self.warmupHalfLife = warmupHalfLife
        self.softTemperature = softTemperature
        self.logEvery = logEvery
        self.probeGraphs = probeGraphs
    }

    /// β at `step`: 1 + 2^(−step / half-life).
    public func reconstructionWeight(at step: Int) -> Float {
        Float(1 + Foundation.pow(2, -Double(step) / warmupHalfLife))
    }
}

/// What training recorded: the loss per step and the rejection rate at the logged steps.
public struct GraphColouringTrainingLog: Sendable {
    /// −(β·reconstruction + prior − posterior) per node, each step.
    public var losses: [Double] = []
    /// (step, fraction of the probe graphs whose first prior draw has some node outside every support).
    public var rejectionRates: [(step: Int, rate: Double)] = []
}

extension GraphColouringModel {
    /// Trains on `train` (colours permuted at random for each example each time it is drawn; batches drawn uniformly
    /// with replacement), reporting progress on standard error under `label`.
    @discardableResult
    public func train(on train: [GraphColouringExample], probe: [GraphColouringExample],
                      settings: GraphColouringTrainingSettings, label: String,
                      using random: inout RandomSource) -> GraphColouringTrainingLog {
        let optimiser = Adam(parameters, learningRate: .constant(settings.learningRate),
                             maxGradientNorm: settings.maxGradientNorm)
        let indicator: SupportIndicator = kind == .trufl ? .soft(temperature: settings.softTemperature) : .hard
        var log = GraphColouringTrainingLog()
        var progress = Progress(label, totalSteps: settings.steps)
        var probeRandom = random.split("probe")
        let probeGraphs = Array(probe.prefix(settings.probeGraphs)).map(\.graph)
        for step in 0..<settings.steps {
            if settings.logEvery > 0, kind == .trufl, step % settings.logEvery == 0 {
                log.rejectionRates.append((step, firstDrawRejectionRate(probeGraphs, using: &probeRandom)))
            }
            let examples = (0..<settings.batchSize).map { _ in
                train[random.int(below: train.count)].withPermutedColours(using: &random)
            }
            let batch = GraphBatch(examples: examples)
            let tape = Tape()
            let terms = elbo(batch, graph: GraphStructure(batch), on: tape, indicator: indicator, using: &random)
            let loss = terms.loss(reconstructionWeight: settings.reconstructionWeight(at: step), nodes: batch.nodeCount)
            loss.backward()
            optimiser.step()
            parameters.zeroGradients()
            let value = Double(loss.value.scalars[0])
            log.losses.append(value)
            progress.step(step, loss: value)
        }
        if settings.logEvery > 0, kind == .trufl {
            log.rejectionRates.append((settings.steps, firstDrawRejectionRate(probeGraphs, using: &probeRandom)))
        }
        return log
    }
}
