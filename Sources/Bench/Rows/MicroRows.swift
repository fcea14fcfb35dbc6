import Foundation
import Trufl

/// Row 1: `[n, n] · [n, n]` through the engine's `Tensor.matmul` (cblas_sgemm, plus allocating the result).
/// One iteration times `reps` products together (about 50 MFLOP), so that reading the clock costs nothing.
final class SgemmRow: BenchRow {
    let n: Int
    var reps: Int { max(1, 50_000_000 / (2 * n * n * n)) }
    let a: Tensor, b: Tensor
    var check = 0.0

    init(n: Int) {
        self.n = n
        a = hashUniform([n, n], seed: 1, bound: 1)
        b = hashUniform([n, n], seed: 2, bound: 1)
    }

    var info: [String: Any] { ["shape": "[\(n),\(n)]·[\(n),\(n)]", "flop": 2 * n * n * n] }

    func iterate() -> [String: Double] {
        var sink: Float = 0
        let t0 = now()
        for _ in 0..<reps { sink += a.matmul(b).scalars[0] }
        let t1 = now()
        check = Double(sink) / Double(reps)
        return ["matmul": (t1 - t0) / Double(reps)]
    }
}

/// Row 2: the tape's per-op overhead. A chain `y ← y · w` of `tapeChainLength` multiplies of `[4]`
/// vectors (w a leaf that wants a gradient), then `sum` and backward.
final class TapeOpRow: BenchRow {
    let x = Tensor(shape: [4], repeating: 0.5)
    let w = Tensor(shape: [4], repeating: 1.0001)
    var check = 0.0

    var info: [String: Any] { ["ops": tapeChainLength, "shape": "[4]", "per": "op"] }

    func iterate() -> [String: Double] {
        let t0 = now()
        let tape = Tape()
        let wv = tape.variable(w)
        var y = tape.constant(x)
        for _ in 0..<tapeChainLength { y = y * wv }
        let loss = y.sum()
        let t1 = now()
        loss.backward()
        let t2 = now()
        check = Double(wv.grad.scalars[0])
        let n = Double(tapeChainLength)
        return ["forward": (t1 - t0) / n, "backward": (t2 - t1) / n]
    }
}
