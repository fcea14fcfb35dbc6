import Foundation
import Testing
@testable import Trufl

@Suite struct GraphColouringTrainingTests {
    static let size = GraphColouringModelSize(couplings: 2, hidden: 8, graphLayers: 1, mixtures: 2)

    /// The plateau schedule keeps the best evaluation's parameters, halves the rate after `patience` evaluations
    /// without a new best, and ends after its last cut runs out of patience.
    @Test func plateauScheduleCutsThenStops() {
        let p = Parameter(name: "w", value: Tensor([0]))
        let optimiser = Adam([p], learningRate: .constant(1e-2))
        var state = PlateauState(schedule: PlateauSchedule(evaluateEvery: 10, patience: 2, factor: 0.5, reductions: 1,
                                                           validationGraphs: 1), rate: 1e-2)
        var stops: [Bool] = []
        // bits per node at steps 10, 20, …: a best at 20, then no improvement.
        for (i, bits) in [1.0, 0.8, 0.9, 0.85, 0.81, 0.95].enumerated() {
            p.value = Tensor([Float(i)])
            stops.append(state.record(ValidationPoint(step: 10 * (i + 1), bitsPerNode: bits, validity: 0, rate: state.rate),
                                      parameters: [p], optimiser: optimiser))
        }
        // Two evaluations after the best (0.9, 0.85): a cut to 5e-3; two more (0.81, 0.95): the cuts are spent, stop.
        #expect(stops == [false, false, false, false, false, true])
        #expect(state.rate == 5e-3 && optimiser.currentRate == 5e-3)
        #expect(state.bestStep == 20)
        state.restoreBest([p])
        #expect(p.value.scalars == [1])
    }

    /// With a plateau schedule, training stops by itself, records its learning curve and keeps the best parameters;
    /// without one, the training stream is untouched by the evaluations (the same losses).
    @Test func trainingToAPlateau() {
        let data = GraphColouringDataset(size: .small, seed: 3, trainCount: 40, validationCount: 8, testCount: 0, cache: nil)
        func train(_ plateau: PlateauSchedule?) -> (GraphColouringTrainingLog, GraphColouringModel) {
            var random = RandomSource(seed: 9)
            let model = GraphColouringModel(kind: .catnf, size: Self.size, random: &random)
            let settings = GraphColouringTrainingSettings(steps: 400, batchSize: 4, learningRate: 5e-2, warmupHalfLife: 50,
                                                          logEvery: 0, probeGraphs: 0, plateau: plateau)
            return (model.train(on: data.train, probe: data.validation, settings: settings, label: "test", using: &random), model)
        }
        let (plain, _) = train(nil)
        let (log, _) = train(PlateauSchedule(evaluateEvery: 5, patience: 1, factor: 0.5, reductions: 1, validationGraphs: 8))
        #expect(plain.losses.count == 400 && plain.validation.isEmpty)
        // Until the first cut of the rate the two runs take the same steps: evaluating draws nothing from training's stream.
        let firstCut = (log.validation.first { $0.rate < 5e-2 }?.step ?? log.losses.count + 5) - 5
        #expect(firstCut > 0 && log.losses.prefix(firstCut) == plain.losses.prefix(firstCut))
        #expect(log.losses.count < 400)
        #expect(log.validation.count >= 3)
        #expect(log.validation.map(\.step) == log.validation.indices.map { 5 * ($0 + 1) }.map { min($0, 400) })
        let best = log.validation.min { $0.bitsPerNode < $1.bitsPerNode }!
        #expect(log.bestStep == best.step)
    }

    /// Colours drawn from p(x|z) follow it: at a z between two CatNF colours, the frequencies of 20,000 draws lie within
    /// four standard errors of the decoder's probabilities.
    @Test func sampledColoursFollowTheDecoder() {
        var random = RandomSource(seed: 4)
        let model = GraphColouringModel(kind: .catnf, size: Self.size, random: &random)
        let z = Tensor(shape: [1, 2], scalars: [0.25, 0.4])
        let logQ = model.dequantiser.logDensities(Tape().constant(z), indicator: .hard).value.scalars.map(Double.init)
        let top = logQ.max()!
        let weights = logQ.map { Foundation.exp($0 - top) }
        let probabilities = weights.map { $0 / weights.reduce(0, +) }
        let draws = 20_000
        let many = Tensor(shape: [draws, 2], scalars: Array(repeating: z.scalars, count: draws).flatMap { $0 })
        let colours = model.decode(many, ignoringTruncation: true, choice: .sampled, using: &random)
        for k in 0..<3 {
            let frequency = Double(colours.filter { $0 == k }.count) / Double(draws)
            let standardError = (probabilities[k] * (1 - probabilities[k]) / Double(draws)).squareRoot()
            #expect(abs(frequency - probabilities[k]) < 4 * standardError + 1e-12, "colour \(k): \(frequency) vs \(probabilities[k])")
        }
        #expect(model.decode(many, ignoringTruncation: true) == Array(repeating: probabilities.indices.max { probabilities[$0] < probabilities[$1] }!, count: draws))
    }

    /// log Z per node is 0 when the windows cover the line and negative when they leave gaps.
    @Test func logZOfWideAndNarrowWindows() {
        var random = RandomSource(seed: 5)
        let model = GraphColouringModel(kind: .trufl, size: Self.size, random: &random)
        let graphs = [Graph(nodeCount: 3, edges: [(0, 1), (1, 2), (0, 2)])]
        let q = model.dequantiser as! TRUFLDequantiser
        let initial = model.logZPerNode(graphs, draws: 200, using: &random)
        #expect(initial.logZPerNode < 0)
        // Colour 1's window made (0, 1) in both dimensions: every z lies in its support.
        var m = q.mTilde.value, s = q.sTilde.value
        for d in 0..<2 { m.scalars[2 + d] = 0; s.scalars[2 + d] = 60 }
        (q.mTilde.value, q.sTilde.value) = (m, s)
        let wide = model.logZPerNode(graphs, draws: 200, using: &random)
        #expect(wide.logZPerNode == 0 && wide.graphsNeverAccepted == 0)
    }
}
