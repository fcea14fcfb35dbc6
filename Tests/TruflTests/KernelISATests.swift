import CTruflKernels
import Foundation
import Testing
@testable import Trufl

/// The book's arithmetic promises that the C kernels compute the same bits in AVX-512 and in AVX2 (README,
/// "One arithmetic"). On a CPU with AVX-512 both run and are compared here bit for bit, on seeded inputs of
/// awkward sizes; on an AVX2-only CPU the comparison cannot run, and ``ArithmeticChecksumTests`` (whose
/// hashes were made on an AVX-512 machine) catches a divergence instead.
@Suite struct KernelISATests {
    static var bothRun: Bool { FusedLSTMSteps.runs(TRUFL_ISA_AVX512) && FusedLSTMSteps.runs(TRUFL_ISA_AVX2) }

    static func bits(_ tensors: [Tensor?]) -> [[UInt32]] { tensors.map { $0?.scalars.map(\.bitPattern) ?? [] } }

    static func everything(_ run: FusedLSTMTests.Run) -> [[UInt32]] {
        bits([run.outputs, run.hidden, run.cell, run.dSequence, run.dH0, run.dC0] + run.dParameters)
    }

    @Test(.enabled(if: bothRun, "needs a CPU with AVX-512 to compare its kernels with the AVX2 ones"),
          arguments: [(3, 1, 0, 1, false), (5, 7, 5, 3, true), (4, 17, 16, 9, false), (2, 33, 1, 17, true),
                      (6, 47, 3, 8, true), (3, 100, 7, 33, false), (70, 31, 2, 7, true), (2, 16, 0, 64, true)])
    func theLSTMComputesTheSameBitsInBothInstructionSets(steps: Int, batch: Int, inputs: Int, hidden: Int, initial: Bool) {
        var random = RandomSource(seed: UInt64(steps * 1000 + batch * 10 + hidden))
        let lstm = LSTM(inputs: inputs, hidden: hidden, name: "lstm", random: &random)
        var data = Inputs(UInt64(hidden))
        let sequence = data.normal([steps, batch, inputs])
        let state = initial ? (data.normal([batch, hidden]), data.normal([batch, hidden])) : nil
        let wide = FusedLSTMTests.run(lstm, sequence, initial: state, mode: .avx512, seed: 5)
        let narrow = FusedLSTMTests.run(lstm, sequence, initial: state, mode: .avx2, seed: 5)
        let (a, b) = (Self.everything(wide), Self.everything(narrow))
        for (index, (x, y)) in zip(a, b).enumerated() {
            let first = x.indices.first { $0 < y.count && x[$0] != y[$0] }
            #expect(x == y, "T \(steps) B \(batch) I \(inputs) H \(hidden): tensor \(index) differs first at \(first.map(String.init) ?? "its length")")
        }
    }

    @Test(.enabled(if: bothRun, "needs a CPU with AVX-512 to compare its kernels with the AVX2 ones"))
    func theActivationsComputeTheSameBitsInBothInstructionSets() {
        // A sweep of every 97th float pattern (NaNs, infinities and subnormals among them) and the edges.
        var points: [Float] = stride(from: UInt32(0), to: UInt32.max - 97, by: 97).map { Float(bitPattern: $0) }
        points += [0, -0, .infinity, -.infinity, .nan, -87, -87.5, 88, -88, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let wide = FusedLSTMSteps.kernelActivations(points, isa: TRUFL_ISA_AVX512)
        let narrow = FusedLSTMSteps.kernelActivations(points, isa: TRUFL_ISA_AVX2)
        func same(_ u: [Float], _ v: [Float]) -> Int? {
            u.indices.first { !(u[$0].bitPattern == v[$0].bitPattern || (u[$0].isNaN && v[$0].isNaN)) }
        }
        #expect(same(wide.sigmoid, narrow.sigmoid) == nil, "sigmoid differs at \(same(wide.sigmoid, narrow.sigmoid).map { points[$0] } ?? 0)")
        #expect(same(wide.tanh, narrow.tanh) == nil, "tanh differs at \(same(wide.tanh, narrow.tanh).map { points[$0] } ?? 0)")
    }

    /// `TRUFL_KERNEL_ISA=avx2` (the switch) is read once; whatever it says, the default is one the CPU runs.
    @Test func theDefaultInstructionSetRunsHere() {
        if let isa = FusedLSTMSteps.isa { #expect(FusedLSTMSteps.runs(isa)) }
    }
}
