import Foundation

/// How a molecule model is trained (CatNF's recipe, scaled down: Adam with a clipped gradient norm, the warm-up
/// weight β on the reconstruction decaying from 2 to 1, TRUFL's soft indicator while training).
public struct MoleculeTrainingSettings: Sendable, Codable, Equatable {
    public var steps: Int
    /// Molecules per batch, drawn uniformly with replacement from the training molecules.
    public var batchSize: Int
    public var learningRate: Float
    public var maxGradientNorm: Float
    /// β = 1 + 2^(−step / half-life).
    public var warmupHalfLife: Double
    /// TRUFL's soft indicator temperature during training (hard for evaluation and sampling).
    public var softTemperature: Float

    public init(steps: Int, batchSize: Int, learningRate: Float, maxGradientNorm: Float = 1, warmupHalfLife: Double,
                softTemperature: Float = 0.02) {
        (self.steps, self.batchSize, self.learningRate) = (steps, batchSize, learningRate)
        (self.maxGradientNorm, self.warmupHalfLife, self.softTemperature) = (maxGradientNorm, warmupHalfLife, softTemperature)
    }
}

/// The negative ELBO of a set of molecules in nats per molecule, split as Table 5 splits it: −reconstruction and
/// the KL term Σ log q − log p(z) (one draw each, hard indicator, β = 1).
public struct MoleculeBound: Sendable, Codable, Equatable {
    public var negativeELBO: Double
    public var reconstruction: Double
    public var kl: Double
}

extension MoleculeModel {
    /// Trains on `training`, progress on standard error under `label`; returns the loss of every step
    /// (−(β·reconstruction + prior − posterior) per category, atoms and pairs together).
    @discardableResult
    public func train(on training: [MoleculeGraph], settings: MoleculeTrainingSettings, label: String,
                      using random: inout RandomSource) -> [Double] {
        guard !training.isEmpty, settings.batchSize > 0 else { fatalError("MoleculeModel.train: no molecules to train on") }
        let optimiser = Adam(parameters, learningRate: .constant(settings.learningRate),
                             maxGradientNorm: settings.maxGradientNorm)
        let indicator: SupportIndicator = kind == .trufl ? .soft(temperature: settings.softTemperature) : .hard
        var progress = Progress(label, totalSteps: settings.steps)
        var losses: [Double] = []
        losses.reserveCapacity(settings.steps)
        for step in 0..<settings.steps {
            let graphs = (0..<settings.batchSize).map { _ in training[random.int(below: training.count)] }
            let batch = MoleculeBatch(graphs: graphs, atomTypes: atomTypes)
            let terms = elbo(batch, on: Tape(), indicator: indicator, using: &random)
            let loss = terms.loss(reconstructionWeight: reconstructionWarmupWeight(step: step, halfLife: settings.warmupHalfLife),
                                  nodes: batch.atomCount + batch.pairCount)
            loss.backward()
            optimiser.step()
            parameters.zeroGradients()
            let value = Double(loss.value.scalars[0])
            losses.append(value)
            progress.step(step, loss: value)
        }
        return losses
    }

    /// ``MoleculeBound`` of `graphs`, `batchSize` molecules at a time.
    public func bound(_ graphs: [MoleculeGraph], batchSize: Int = 32, using random: inout RandomSource) -> MoleculeBound {
        var elbo = 0.0, reconstruction = 0.0
        var start = 0
        while start < graphs.count {
            let part = Array(graphs[start..<min(start + batchSize, graphs.count)])
            start += part.count
            let terms = self.elbo(MoleculeBatch(graphs: part, atomTypes: atomTypes), on: Tape(), using: &random)
            elbo += terms.elbo.value.scalars.reduce(0) { $0 + Double($1) }
            reconstruction += terms.reconstruction.value.scalars.reduce(0) { $0 + Double($1) }
        }
        let n = Double(max(graphs.count, 1))
        return MoleculeBound(negativeELBO: -elbo / n, reconstruction: -reconstruction / n, kl: (reconstruction - elbo) / n)
    }
}
