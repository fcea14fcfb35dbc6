import Dispatch

/// Elementwise work below this many elements runs on the calling thread (dispatch costs ~0.3 µs).
let parallelThreshold = 100_000

/// Runs `body(lo, hi)` over `0 ..< n`, split across two threads when `n` is large.
@inline(__always)
func parallelChunks(_ n: Int, _ body: (Int, Int) -> Void) {
    if n < parallelThreshold {
        body(0, n)
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = ChunkBody(body)
        DispatchQueue.concurrentPerform(iterations: 2) { c in
            box.body(c == 0 ? 0 : n / 2, c == 0 ? n / 2 : n)
        }
    }
}

/// Carries a non-escaping chunk body into `concurrentPerform` (each chunk writes a disjoint range).
private final class ChunkBody: @unchecked Sendable {
    let body: (Int, Int) -> Void
    init(_ body: @escaping (Int, Int) -> Void) { self.body = body }
}
