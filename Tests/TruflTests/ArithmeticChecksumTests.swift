import Foundation
import Testing
@testable import Trufl

/// The book's one arithmetic, pinned: each kernel's output on fixed, seeded inputs of awkward sizes is
/// hashed bit for bit and compared with the hash committed below, made on the machine the chapters were
/// blessed on. A machine whose arithmetic differs (another OpenBLAS kernel, another vector path, another
/// libm variant) fails here, naming the kernel, before a chapter's numbers drift.
///
/// Run in the book's arithmetic (`make unit-test` sets it; `book arithmetic --env` lists the variables).
/// After a deliberate change of arithmetic, copy the actual hashes that the failure prints.
@Suite struct ArithmeticChecksumTests {
    /// Kernel → FNV-1a 64 of its outputs' bit patterns.
    static let committed: [String: String] = [
        "sgemm": "c26529388ce98d88",
        "vector math": "bb5c4d01fae7eef3",
        "libm": "d8088157c47ab1a0",
        "decoder densities": "30d42be16d45438e",
        "mixture density": "b23960b5bfdca788",
        "lstm": "679f8723dd88a26f",
        "toy training": "3f9436539146ceab",
        "colouring training": "940a0c505c01d133",
    ]

    /// Hashes the bit patterns of `tensors`, shapes included.
    static func hash(_ tensors: [Tensor]) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ word: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) { value = (value ^ ((word >> UInt64(shift)) & 0xff)) &* 0x0000_0100_0000_01b3 }
        }
        for tensor in tensors {
            for d in tensor.shape.dimensions { add(UInt64(d)) }
            for x in tensor.scalars { add(UInt64(x.bitPattern)) }
        }
        return String(value, radix: 16)
    }

    static func hash(_ doubles: [Double]) -> String {
        hash([Tensor(shape: [doubles.count, 2], scalars: doubles.flatMap {
            [Float(bitPattern: UInt32(truncatingIfNeeded: $0.bitPattern >> 32)), Float(bitPattern: UInt32(truncatingIfNeeded: $0.bitPattern))]
        })])
    }

    /// sgemm through ``Tensor/matmul(_:transposeA:transposeB:)`` and the tape's product (its backward adds
    /// into gradients): sizes below, at and past the kernels' blocking, both transposes, batched.
    static func sgemm() -> String {
        var inputs = Inputs(11)
        var outputs: [Tensor] = []
        for (m, n, k) in [(1, 1, 1), (7, 13, 29), (33, 65, 17), (64, 64, 64), (100, 257, 300), (513, 40, 1030), (3, 700, 9)] {
            let a = inputs.normal([m, k]), b = inputs.normal([k, n])
            outputs.append(a.matmul(b))
            outputs.append(a.transposed().matmul(b, transposeA: true))
            outputs.append(a.matmul(b.transposed(), transposeB: true))
        }
        let batchA = inputs.normal([5, 19, 23]), batchB = inputs.normal([5, 23, 11]), shared = inputs.normal([23, 11])
        outputs += [batchA.matmul(batchB), batchA.matmul(shared)]
        let tape = Tape()
        let x = tape.variable(inputs.normal([37, 45])), w = tape.variable(inputs.normal([45, 29]))
        let y = x.matmul(w)
        (y * y).sum().backward()
        outputs += [y.value, x.grad, w.grad]
        return hash(outputs)
    }

    /// The engine's eight-lane exp, log and their kin, forward and backward on the tape.
    static func vectorMath() -> String {
        var inputs = Inputs(12)
        let a = inputs.normal([4099]) * Tensor(6), positive = inputs.uniform([4099], 1e-6, 50)
        var outputs = [a.exp(), positive.log(), a.sigmoid(), a.logSigmoid(), a.softplus(), a.tanh()]
        let tape = Tape()
        let x = tape.variable(a), p = tape.variable(positive)
        let terms = [x.exp(), p.log(), x.sigmoid(), x.logSigmoid(), x.softplus(), x.tanh()]
        var total = terms[0].sum() * tape.constant(Tensor(1e-3))
        for term in terms.dropFirst() { total = total + term.sum() }
        total.backward()
        outputs += [x.grad, p.grad]
        return hash(outputs)
    }

    /// glibc's libm (CPU-dispatched variants), as Foundation calls it, in both precisions.
    static func libm() -> String {
        var random = RandomSource(seed: 13)
        var results: [Double] = []
        for _ in 0..<2048 {
            let u = Double(random.uniformFloat()), v = Double(random.uniformFloat())
            let x = (u - 0.5) * 80, y = v * 30 + 1e-9
            results += [Foundation.exp(x), Foundation.log(y), Foundation.expm1(x / 40), Foundation.log1p(y),
                        Foundation.tanh(x), Foundation.pow(y, x / 10), Foundation.sin(x), Foundation.cos(x)]
            let fx = Float(x), fy = Float(y)
            results += [Foundation.exp(fx), Foundation.log(fy), Foundation.expm1(fx / 40), Foundation.log1p(fy),
                        Foundation.tanh(fx), Foundation.pow(fy, fx / 10)].map(Double.init)
        }
        return hash(results)
    }

    /// The decoder's fused log q(z|k) for every k (TRUFL, hard and soft; CatNF), values and gradients.
    static func decoderDensities() -> String {
        var random = RandomSource(seed: 14)
        let z = Tensor.logistic([3001, 3], using: &random) * Tensor(1.7)
        var outputs: [Tensor] = []
        for flow in [false, true] {
            let q = Dequantisers.trufl(categories: 7, dimensions: 3, flow: flow)
            for indicator in [SupportIndicator.hard, .soft(temperature: 0.02)] {
                q.parameters.zeroGradients()
                let tape = Tape()
                let zv = tape.variable(z)
                let out = q.logDensities(zv, indicator: indicator)
                select(out .> -Float.infinity, out, 0).sum().backward()
                outputs += [out.value, zv.grad] + q.parameters.map(\.grad)
            }
        }
        let catnf = Dequantisers.catNF(categories: 7, dimensions: 3)
        let tape = Tape()
        let zv = tape.variable(z)
        let out = catnf.logDensities(zv, indicator: .hard)
        out.sum().backward()
        outputs += [out.value, zv.grad] + catnf.parameters.map(\.grad)
        return hash(outputs)
    }

    /// The fused mixture-of-logistics density, values and gradients.
    static func mixtureDensity() -> String {
        var random = RandomSource(seed: 15)
        var outputs: [Tensor] = []
        for mixtures in [3, 8, 11] {
            let x = Tensor.normal([301, 3], scale: 2, using: &random)
            let logits = Tensor.normal([301, 3, mixtures], scale: 1.5, using: &random)
            let means = Tensor.normal([301, 3, mixtures], scale: 1.5, using: &random)
            let logScales = Tensor.uniform([301, 3, mixtures], low: -3, high: 1.5, using: &random)
            let tape = Tape()
            let v = [x, logits, means, logScales].map { tape.variable($0) }
            let out = MixtureOfLogistics.logDensity(v[0], logits: v[1], means: v[2], logScales: v[3])
            out.sum().backward()
            outputs += [out.value] + v.map(\.grad)
        }
        return hash(outputs)
    }

    /// The fused LSTM, forward and backward, in the C kernels (the default instruction set: the widest this
    /// CPU has, bit-identical to the others) at sizes that leave partial vectors and panels.
    static func lstm() -> String {
        var outputs: [Tensor] = []
        for (steps, batch, inputs, hidden) in [(5, 7, 5, 3), (4, 33, 16, 9), (9, 32, 3, 20)] {
            var random = RandomSource(seed: UInt64(20 + hidden))
            let layer = LSTM(inputs: inputs, hidden: hidden, name: "lstm", random: &random)
            var data = Inputs(UInt64(hidden))
            let run = FusedLSTMTests.run(layer, data.normal([steps, batch, inputs]), initial: nil, mode: .automatic, seed: 21)
            outputs += [run.outputs, run.hidden, run.cell, run.dSequence] + run.dParameters
        }
        return hash(outputs)
    }

    /// A short run of the toy experiment's training (chapter 05): everything its step touches.
    static func toyTraining() -> String {
        let model = ToyModel(data: .table5, training: ToyTraining(method: .trufl, steps: 40), random: RandomSource(seed: 16))
        model.train(label: "checksum", using: RandomSource(seed: 17))
        return hash(model.parameters.map(\.value))
    }

    /// A few steps of the graph-colouring model (chapter 06): graph attention, coupling flows, Adam.
    static func colouringTraining() -> String {
        var random = RandomSource(seed: 18)
        var outputs: [Tensor] = []
        for kind in ColouringDequantiserKind.allCases {
            let model = GraphColouringModel(kind: kind, size: GraphColouringModelSize(couplings: 2, hidden: 8, graphLayers: 1, mixtures: 2),
                                            random: &random)
            let examples = (0..<12).map { i in
                GraphColouringExample(graph: Graph(nodeCount: 4 + i % 3, edges: [(0, 1), (1, 2), (2, 3)] + (i % 3 > 0 ? [(3, 4)] : [])),
                                      colouring: [0, 1, 0, 2, 1, 0].prefix(4 + i % 3).map { $0 })
            }
            let settings = GraphColouringTrainingSettings(steps: 6, batchSize: 4, warmupHalfLife: 10, logEvery: 0, probeGraphs: 0)
            model.train(on: examples, probe: [], settings: settings, label: "checksum", using: &random)
            outputs += model.parameters.map(\.value)
        }
        return hash(outputs)
    }

    static let kernels: [(String, () -> String)] = [
        ("sgemm", sgemm), ("vector math", vectorMath), ("libm", libm), ("decoder densities", decoderDensities),
        ("mixture density", mixtureDensity), ("lstm", lstm), ("toy training", toyTraining), ("colouring training", colouringTraining),
    ]

    @Test func everyKernelComputesTheCommittedBits() {
        let arithmetic = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset"
        var actual: [String: String] = [:]
        for (name, kernel) in Self.kernels { actual[name] = kernel() }
        let wrong = Self.kernels.map(\.0).filter { actual[$0] != Self.committed[$0] }
        let table = Self.kernels.map { "        \"\($0.0)\": \"\(actual[$0.0]!)\"," }.joined(separator: "\n")
        #expect(wrong.isEmpty, """
            kernels whose bits differ from the committed arithmetic: \(wrong.joined(separator: ", ")) \
            (OPENBLAS_CORETYPE=\(arithmetic); run in the book's arithmetic: env $(book arithmetic --env) swift test). \
            This machine computed:
            \(table)
            """)
    }

    /// The check itself: a kernel whose rounding changes in one place changes its hash.
    @Test func oneChangedRoundingChangesTheHash() {
        var inputs = Inputs(19)
        let a = inputs.normal([64, 64]), b = inputs.normal([64, 64])
        var changed = a.matmul(b)
        changed.scalars[100] = changed.scalars[100].nextUp
        #expect(Self.hash([a.matmul(b)]) != Self.hash([changed]))
    }
}
