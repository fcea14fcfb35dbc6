import Foundation
import Testing
@testable import Trufl

@Suite struct ToyTests {
    @Test func table5HasTheNotesEntropyAndMarginal() {
        let data = ToyDistribution.table5
        #expect(data.outcomes.count == 7)
        #expect(abs(data.probabilities.reduce(0, +) - 1) < 1e-12)
        #expect(abs(data.entropy - 1.9062) < 1e-4)
        let pooled = data.pooledMarginal.logProbabilities.scalars.map { Foundation.exp(Double($0)) }
        for (p, expected) in zip(pooled, [0.25, 0.1875, 0.25, 0.3125]) { #expect(abs(p - expected) < 1e-6) }
        #expect(data.probability([3, 3]) == 0.25)
        #expect(data.probability([3, 0]) == 0)
    }

    @Test func samplesFollowTheJoint() {
        let data = ToyDistribution.table5
        var random = RandomSource(seed: 5)
        let batch = data.sample(40_000, using: &random)
        let rows = stride(from: 0, to: batch.values.count, by: 2).map { [batch.values[$0], batch.values[$0 + 1]] }
        for (outcome, p) in zip(data.outcomes, data.probabilities) {
            let frequency = Double(rows.filter { $0 == outcome }.count) / Double(rows.count)
            #expect(abs(frequency - p) < 5 * (p * (1 - p) / Double(rows.count)).squareRoot())
        }
    }

    @Test func supportBoxesHoldTheirOwnSamplesAndNoOthers() {
        let q = TRUFLDequantiser(categories: 4, dimensions: 2)
        var random = RandomSource(seed: 6)
        q.mTilde.value = Tensor.normal([4, 2], using: &random)
        q.sTilde.value = Tensor.normal([4, 2], using: &random)
        q.flow!.shift.value = Tensor.normal([4, 2], using: &random)
        q.flow!.logScale.value = Tensor.normal([4, 2], using: &random)
        let boxes = SupportBoxes(q)
        let x = (0..<2_000).map { $0 % 4 }
        let draw = q.sample(x, on: Tape(), using: &random)
        let z = draw.z.value.scalars
        for (i, k) in x.enumerated() { #expect(boxes.contains(z[(2 * i)..<(2 * i + 2)], category: k)) }
        // Against the dequantiser's own hard membership on a grid (away from the edges' last ulp).
        var grid = [Float]()
        for a in stride(from: -6.0, through: 6.0, by: 0.17) { for b in stride(from: -6.0, through: 6.0, by: 0.17) { grid += [Float(a), Float(b)] } }
        let logQ = q.logDensities(Tape().constant(Tensor(shape: [grid.count / 2, 2], scalars: grid)), indicator: .hard).value
        for n in 0..<(grid.count / 2) {
            for k in 0..<4 { #expect(boxes.contains(grid[(2 * n)..<(2 * n + 2)], category: k) == (logQ[n, k] > -.infinity)) }
        }
    }

    @Test func inclusionExclusionMeasuresTheUnion() {
        // Four boxes, some overlapping, one unbounded: the union's area by inclusion–exclusion against counting on a fine grid.
        let boxes = SupportBoxes(boxes: [[0...2, 0...2], [1...3, 1...3], [1.5...4, -1...0.5], [-.infinity...(-1), 0...1]])
        let limit = -2.0...5.0
        let area = boxes.inclusionExclusion(limit: limit).reduce(0.0) { total, piece in
            total + piece.sign * piece.box.reduce(1.0) { $0 * ($1.upperBound - $1.lowerBound) }
        }
        // A + B + C + D − A∩B ([1, 2]²) − A∩C ([1.5, 2] × [0, 0.5]); D is cut at −2.
        #expect(abs(area - (4 + 4 + 3.75 + 1 - 1 - 0.25)) < 1e-12)
    }

    @Test func betaAndTemperatureSchedules() {
        var training = ToyTraining(method: .trufl, steps: 1_000)
        #expect(training.beta(at: 0) == 2)
        #expect(abs(training.beta(at: 100) - 1.5) < 1e-6)
        training.finalTemperature = 0.002
        #expect(training.indicator(at: 0) == .soft(temperature: 0.02))
        if case .soft(let tau) = training.indicator(at: 999) { #expect(abs(tau - 0.002) < 1e-6) } else { Issue.record("not soft") }
        training.hardAfter = 0.5
        #expect(training.indicator(at: 500) == .hard)
    }

    @Test func trainingSeparatesTRUFLsWindowsAndIsReproducible() {
        func trained() -> ToyModel {
            let model = ToyModel(data: .table5, training: ToyTraining(method: .trufl, steps: 300), random: RandomSource(seed: 7))
            model.train(label: "test", using: RandomSource(seed: 8))
            return model
        }
        let a = trained(), b = trained()
        #expect(a.parameters.map(\.value) == b.parameters.map(\.value))
        let score = a.evaluate(samples: 8, replicates: 2, zDraws: 2_000, using: RandomSource(seed: 9))
        #expect(score.reconstruction > -0.1)
        #expect(score.z!.value > 0.5 && score.z!.value <= 1)
    }
}
