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
    /// Train until the validation bits per node stop improving (nil: exactly `steps` steps at a constant rate).
    public var plateau: PlateauSchedule?

    public init(steps: Int, batchSize: Int, learningRate: Float = 1e-3, maxGradientNorm: Float = 1,
                warmupHalfLife: Double, softTemperature: Float = 0.02, logEvery: Int, probeGraphs: Int,
                plateau: PlateauSchedule? = nil) {
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.maxGradientNorm = maxGradientNorm
        self.warmupHalfLife = warmupHalfLife
        self.softTemperature = softTemperature
        self.logEvery = logEvery
        self.probeGraphs = probeGraphs
        self.plateau = plateau
    }
}

/// A learning-rate schedule that ends: every `evaluateEvery` steps the validation bits per node are measured (the
/// single-sample negative ELBO with the hard indicator, β = 1, on the first `validationGraphs` validation graphs,
/// with the same noise at every evaluation so that two evaluations differ only by the parameters); after `patience`
/// evaluations without a new best, the rate is multiplied by `factor`; after `reductions` such cuts (or at the
/// step cap) training stops and the parameters of the best evaluation are restored. The test split is never read.
public struct PlateauSchedule: Sendable, Codable, Equatable {
    public var evaluateEvery: Int
    public var patience: Int
    public var factor: Float
    public var reductions: Int
    public var validationGraphs: Int

    public init(evaluateEvery: Int, patience: Int, factor: Float = 0.5, reductions: Int = 3, validationGraphs: Int) {
        guard evaluateEvery > 0, patience > 0, factor > 0, factor < 1, reductions >= 0, validationGraphs > 0 else {
            fatalError("PlateauSchedule: evaluateEvery \(evaluateEvery), patience \(patience), factor \(factor), reductions \(reductions) and validationGraphs \(validationGraphs) must be positive (factor below 1)")
        }
        (self.evaluateEvery, self.patience, self.factor) = (evaluateEvery, patience, factor)
        (self.reductions, self.validationGraphs) = (reductions, validationGraphs)
    }
}

/// One evaluation of the learning curve: the validation bits per node and the validity of one sampled colouring
/// per validation graph (one prior draw each, no rejection; TRUFL decoded as ``ColouringDecoding/fallbackOutsideSupports``)
/// at `step`, at learning rate `rate`.
public struct ValidationPoint: Sendable, Codable, Equatable {
    public var step: Int
    public var bitsPerNode: Double
    public var validity: Double
    public var rate: Float
}

/// What training recorded: the loss per step and the rejection rate at the logged steps.
public struct GraphColouringTrainingLog: Sendable {
    /// −(β·reconstruction + prior − posterior) per node, each step.
    public var losses: [Double] = []
    /// (step, fraction of the probe graphs whose first prior draw has some node outside every support).
    public var rejectionRates: [(step: Int, rate: Double)] = []
    /// With a ``PlateauSchedule``: the learning curve, and the evaluation whose parameters were kept.
    public var validation: [ValidationPoint] = []
    public var bestStep: Int?
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
        var plateau = settings.plateau.map { PlateauState(schedule: $0, rate: settings.learningRate) }
        let validationRandom = random.split("validation")
        for step in 0..<settings.steps {
            if settings.logEvery > 0, kind == .trufl, step % settings.logEvery == 0 {
                log.rejectionRates.append((step, firstDrawRejectionRate(probeGraphs, using: &probeRandom)))
            }
            if var state = plateau, step > 0, step % state.schedule.evaluateEvery == 0 {
                let point = validationPoint(probe, state, step: step, random: validationRandom)
                log.validation.append(point)
                let stop = state.record(point, parameters: parameters, optimiser: optimiser)
                plateau = state
                if stop { break }
            }
            let examples = (0..<settings.batchSize).map { _ in
                train[random.int(below: train.count)].withPermutedColours(using: &random)
            }
            let batch = GraphBatch(examples: examples)
            let tape = Tape()
            let terms = elbo(batch, graph: GraphStructure(batch), on: tape, indicator: indicator, using: &random)
            let loss = terms.loss(reconstructionWeight: reconstructionWarmupWeight(step: step, halfLife: settings.warmupHalfLife), nodes: batch.nodeCount)
            loss.backward()
            optimiser.step()
            parameters.zeroGradients()
            let value = Double(loss.value.scalars[0])
            log.losses.append(value)
            progress.step(step, loss: value)
        }
        if settings.logEvery > 0, kind == .trufl {
            log.rejectionRates.append((log.losses.count, firstDrawRejectionRate(probeGraphs, using: &probeRandom)))
        }
        if var state = plateau {
            if log.losses.count == settings.steps {  // stopped by the cap: a last evaluation
                let point = validationPoint(probe, state, step: settings.steps, random: validationRandom)
                log.validation.append(point)
                _ = state.record(point, parameters: parameters, optimiser: optimiser)
            }
            state.restoreBest(parameters)
            log.bestStep = state.bestStep
        }
        return log
    }

    /// The learning curve's point at `step` (see ``ValidationPoint``), from a copy of the same stream each time.
    func validationPoint(_ validation: [GraphColouringExample], _ state: PlateauState, step: Int,
                         random: RandomSource) -> ValidationPoint {
        let examples = Array(validation.prefix(state.schedule.validationGraphs))
        var noise = random.split("bits"), draws = random.split("colourings")
        let bits = bitsPerNode(examples, samples: 1, using: &noise).elbo
        // TRUFL's nodes outside every support get Eq. 2 without the indicators; its support-blind reading (a)
        // miscolours nodes inside a support (chapter 06) and would make the curve say nothing.
        let decoding: ColouringDecoding = kind == .trufl ? .fallbackOutsideSupports : .ignoringTruncation
        let sampled = sampleColourings(examples.map(\.graph), decoding: decoding, using: &draws)
        return ValidationPoint(step: step, bitsPerNode: bits,
                               validity: colouringValidity(examples.map(\.graph), sampled.colourings), rate: state.rate)
    }
}

/// The plateau schedule's running state: the best validation bits per node, the parameters that reached it, and how
/// many evaluations and cuts have passed since.
struct PlateauState {
    let schedule: PlateauSchedule
    var rate: Float
    var best = Double.infinity
    var bestStep = 0
    var bestValues: [Tensor] = []
    var sinceBest = 0
    var cuts = 0

    init(schedule: PlateauSchedule, rate: Float) { (self.schedule, self.rate) = (schedule, rate) }

    /// Takes one evaluation; cuts the rate after `patience` evaluations without a new best; true when training ends.
    mutating func record(_ point: ValidationPoint, parameters: [Parameter], optimiser: Adam) -> Bool {
        if point.bitsPerNode < best {
            (best, bestStep, sinceBest) = (point.bitsPerNode, point.step, 0)
            bestValues = parameters.map(\.value)
            return false
        }
        sinceBest += 1
        guard sinceBest >= schedule.patience else { return false }
        if cuts == schedule.reductions { return true }
        cuts += 1
        sinceBest = 0
        rate *= schedule.factor
        optimiser.learningRate = .constant(rate)
        return false
    }

    func restoreBest(_ parameters: [Parameter]) {
        for (p, v) in zip(parameters, bestValues) { p.value = v }
    }
}
