import Foundation
import CTruflKernels
import Testing
@testable import Trufl

/// The fused LSTM node against the unrolled tape (`LSTM.unrolled`) and finite differences, and its
/// vectorised sigmoid and tanh against a double-precision reference.
@Suite struct FusedLSTMTests {
    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        #expect(a.shape == b.shape)
        return zip(a.scalars, b.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
    }

    /// A tensor's largest |difference| relative to its largest magnitude.
    static func relativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = Swift.max(b.scalars.map { Swift.abs($0) }.max() ?? 0, 1e-30)
        return maxDifference(a, b) / scale
    }

    struct Run {
        var outputs: Tensor, hidden: Tensor, cell: Tensor
        var dSequence: Tensor, dH0: Tensor?, dC0: Tensor?, dParameters: [Tensor]
    }

    /// How to run the layer: fused with the C kernels in AVX-512 or AVX2, or the portable recurrence
    /// (``FusedLSTMSteps``; a kernel set the CPU lacks falls back to portable), or unrolled on the tape.
    enum Mode: CaseIterable {
        case avx512, avx2, portable, unrolled
        /// The default: the kernels in the CPU's widest instruction set (or as `TRUFL_KERNEL_ISA` says).
        case automatic
        var kernels: trufl_isa? {
            switch self {
            case .avx512: TRUFL_ISA_AVX512
            case .avx2: TRUFL_ISA_AVX2
            case .automatic: FusedLSTMSteps.isa
            case .portable, .unrolled: nil
            }
        }
    }

    /// Runs in `mode`, back-propagates fixed random weights on outputs, final hidden and final cell.
    static func run(_ lstm: LSTM, _ sequence: Tensor, initial: (Tensor, Tensor)?, mode: Mode, seed: UInt64) -> Run {
        lstm.parameters.zeroGradients()
        let tape = Tape()
        let x = tape.variable(sequence)
        let state = initial.map { LSTM.State(hidden: tape.variable($0.0), cell: tape.variable($0.1)) }
        let (outputs, final) = mode == .unrolled ? lstm.unrolled(x, initial: state)
            : lstm.fused(x, initial: state, kernels: mode.kernels)
        var random = RandomSource(seed: seed)
        let wo = Tensor.normal(outputs.shape, using: &random)
        let wh = Tensor.normal(final.hidden.shape, using: &random)
        let wc = Tensor.normal(final.cell.shape, using: &random)
        let loss = (outputs * tape.constant(wo)).sum() + (final.hidden * tape.constant(wh)).sum()
            + (final.cell * tape.constant(wc)).sum()
        loss.backward()
        let run = Run(outputs: outputs.value, hidden: final.hidden.value, cell: final.cell.value,
                      dSequence: x.grad, dH0: state?.hidden.grad, dC0: state?.cell.grad,
                      dParameters: lstm.parameters.map(\.grad))
        lstm.parameters.zeroGradients()
        return run
    }

    static func compare(steps: Int, batch: Int, inputs: Int, hidden: Int, withInitial: Bool, seed: UInt64,
                        valueTolerance: Float = 1e-5, gradientTolerance: Float = 1e-4) {
        var random = RandomSource(seed: seed)
        let lstm = LSTM(inputs: inputs, hidden: hidden, name: "lstm", random: &random)
        var data = Inputs(seed + 1)
        let sequence = data.normal([steps, batch, inputs])
        let initial = withInitial ? (data.normal([batch, hidden]), data.normal([batch, hidden])) : nil
        let u = run(lstm, sequence, initial: initial, mode: .unrolled, seed: seed + 2)
        for mode in [Mode.avx512, .avx2, .portable] {
            let f = run(lstm, sequence, initial: initial, mode: mode, seed: seed + 2)
            let label = "\(mode), T \(steps) B \(batch) I \(inputs) H \(hidden) initial \(withInitial)"
            #expect(maxDifference(f.outputs, u.outputs) < valueTolerance, "outputs, \(label)")
            #expect(maxDifference(f.hidden, u.hidden) < valueTolerance, "final hidden, \(label)")
            #expect(maxDifference(f.cell, u.cell) < valueTolerance, "final cell, \(label)")
            #expect(relativeDifference(f.dSequence, u.dSequence) < gradientTolerance, "∂sequence, \(label)")
            for (name, (a, b)) in zip(["∂W_x", "∂W_h", "∂b"], zip(f.dParameters, u.dParameters)) {
                #expect(relativeDifference(a, b) < gradientTolerance, "\(name), \(label)")
            }
            if withInitial {
                #expect(relativeDifference(f.dH0!, u.dH0!) < gradientTolerance, "∂h₀, \(label)")
                #expect(relativeDifference(f.dC0!, u.dC0!) < gradientTolerance, "∂c₀, \(label)")
            }
        }
    }

    @Test func matchesUnrolledMedium() {
        Self.compare(steps: 12, batch: 5, inputs: 7, hidden: 19, withInitial: false, seed: 100)
        Self.compare(steps: 12, batch: 5, inputs: 7, hidden: 19, withInitial: true, seed: 110)
        Self.compare(steps: 9, batch: 8, inputs: 32, hidden: 64, withInitial: true, seed: 120)
    }

    /// Batches that fill the vectorised kernels' 16-lane vectors, pass over them (two passes of 32 columns
    /// with a tail) and hidden sizes that leave their unit panels part-empty; sizes with whole 16 × 16
    /// transposition tiles and edges.
    @Test func matchesUnrolledVectorShapes() {
        Self.compare(steps: 5, batch: 32, inputs: 6, hidden: 16, withInitial: true, seed: 180)
        Self.compare(steps: 3, batch: 33, inputs: 18, hidden: 21, withInitial: true, seed: 183)
        Self.compare(steps: 4, batch: 37, inputs: 5, hidden: 11, withInitial: true, seed: 185)
        Self.compare(steps: 3, batch: 16, inputs: 1, hidden: 9, withInitial: false, seed: 190)
        // Whole panels of 8 units and a last pass of 16 columns.
        Self.compare(steps: 4, batch: 48, inputs: 5, hidden: 24, withInitial: true, seed: 193)
    }

    /// More than 2048 columns (time × batch): the vectorised weights' gradients take them in blocks of 2048,
    /// the second block added to the first; with and without an initial state.
    @Test func matchesUnrolledLongSequence() {
        Self.compare(steps: 67, batch: 32, inputs: 3, hidden: 8, withInitial: true, seed: 195)
        Self.compare(steps: 67, batch: 32, inputs: 3, hidden: 8, withInitial: false, seed: 197)
    }

    @Test func lengthOneAndBatchOne() {
        Self.compare(steps: 1, batch: 4, inputs: 3, hidden: 5, withInitial: false, seed: 130)
        Self.compare(steps: 1, batch: 4, inputs: 3, hidden: 5, withInitial: true, seed: 140)
        Self.compare(steps: 6, batch: 1, inputs: 3, hidden: 8, withInitial: false, seed: 150)
        Self.compare(steps: 6, batch: 1, inputs: 3, hidden: 8, withInitial: true, seed: 160)
        Self.compare(steps: 1, batch: 1, inputs: 2, hidden: 4, withInitial: true, seed: 170)
    }

    /// Finite differences on tiny sizes: sequence, initial state and all three parameters, through the
    /// outputs and the final cell.
    @Test func gradientsMatchFiniteDifferences() {
        for (steps, batch, hidden, seed) in [(3, 2, 3, 200), (1, 2, 4, 210), (4, 1, 5, 220)] as [(Int, Int, Int, UInt64)] {
            var random = RandomSource(seed: seed)
            let lstm = LSTM(inputs: 2, hidden: hidden, name: "lstm", random: &random)
            var data = Inputs(seed + 1)
            let tensors = [data.normal([steps, batch, 2]), data.normal([batch, hidden]), data.normal([batch, hidden])]
            let r = checkGradients(tensors, parameters: lstm.parameters) { _, v in
                let (outputs, final) = lstm(v[0], initial: LSTM.State(hidden: v[1], cell: v[2]))
                return Var.concat([outputs.reshaped([-1]), final.cell.reshaped([-1]), final.hidden.reshaped([-1])], axis: 0)
            }
            #expect(r.passed, "T \(steps) B \(batch) H \(hidden): \(r)")
            let plain = checkGradients([tensors[0]], parameters: lstm.parameters) { _, v in lstm(v[0]).final.cell }
            #expect(plain.passed, "final cell only, T \(steps) B \(batch) H \(hidden): \(plain)")
        }
    }

    /// Only the final cell used: the outputs' node still runs its backward.
    @Test func finalCellAloneCarriesGradient() {
        var random = RandomSource(seed: 300)
        let lstm = LSTM(inputs: 3, hidden: 4, name: "lstm", random: &random)
        var data = Inputs(301)
        let sequence = data.normal([5, 2, 3])
        func grads(_ fused: Bool) -> (Tensor, [Tensor]) {
            lstm.parameters.zeroGradients()
            let tape = Tape()
            let x = tape.variable(sequence)
            let cell = fused ? lstm(x).final.cell : lstm.unrolled(x).final.cell
            cell.sum().backward()
            defer { lstm.parameters.zeroGradients() }
            return (x.grad, lstm.parameters.map(\.grad))
        }
        let (fx, fp) = grads(true), (ux, up) = grads(false)
        #expect(Self.relativeDifference(fx, ux) < 1e-4)
        #expect(fx.scalars.contains { $0 != 0 })
        for (a, b) in zip(fp, up) { #expect(Self.relativeDifference(a, b) < 1e-4) }
    }

    /// The activations against double precision, on a dense sweep of [−40, 40] and tiny values: the SIMD4
    /// ones (portable path) and, where the CPU has AVX-512, the vectorised kernels' (the same formulas
    /// with fused multiply-adds).
    @Test func activationsAccuracy() {
        var points: [Float] = []
        var x: Float = -40
        while x < 40 { points.append(x); x += 1.0 / 4096 + Float.ulpOfOne * Swift.abs(x) * 37 }
        var tiny: Float = 1e-30
        while tiny < 1 { points += [tiny, -tiny]; tiny *= 1.001 }
        for e in stride(from: 0 as Float, to: 0.7, by: 1e-5) { points += [e, -e] }  // around tanh's switch

        func worst(_ sigmoid: (Int) -> Float, _ tanh: (Int) -> Float) -> (sigmoid: Double, tanh: Double) {
            var worstSigmoid = 0.0, worstTanh = 0.0
            for (i, x) in points.enumerated() {
                let xd = Double(x)
                let s = Double(sigmoid(i)), t = Double(tanh(i))
                let sRef = 1 / (1 + Foundation.exp(-xd)), tRef = Foundation.tanh(xd)
                worstSigmoid = Swift.max(worstSigmoid, Swift.abs(s - sRef) / sRef)
                if tRef != 0 {
                    worstTanh = Swift.max(worstTanh, Swift.abs(t - tRef) / Swift.abs(tRef))
                } else {
                    #expect(t == 0)
                }
            }
            return (worstSigmoid, worstTanh)
        }
        let simd4 = worst({ FusedLSTMKernels.sigmoid(points[$0]) }, { FusedLSTMKernels.tanh(points[$0]) })
        #expect(simd4.sigmoid < 2e-7, "sigmoid: \(simd4.sigmoid)")
        #expect(simd4.tanh < 2e-7, "tanh: \(simd4.tanh)")
        #expect(FusedLSTMKernels.tanh(100) == 1 && FusedLSTMKernels.tanh(-100) == -1)
        #expect(FusedLSTMKernels.sigmoid(100) == 1 && FusedLSTMKernels.sigmoid(-200) < 1e-37)
        for isa in [TRUFL_ISA_AVX512, TRUFL_ISA_AVX2] where FusedLSTMSteps.runs(isa) {
            let (s, t) = FusedLSTMSteps.kernelActivations(points, isa: isa)
            let kernels = worst({ s[$0] }, { t[$0] })
            #expect(kernels.sigmoid < 2e-7, "kernels (\(isa.rawValue)) sigmoid: \(kernels.sigmoid)")
            #expect(kernels.tanh < 2e-7, "kernels (\(isa.rawValue)) tanh: \(kernels.tanh)")
            let (se, te) = FusedLSTMSteps.kernelActivations([100, -100, -200], isa: isa)
            #expect(te[0] == 1 && te[1] == -1 && se[0] == 1 && se[2] < 1e-37)
        }
    }
}
