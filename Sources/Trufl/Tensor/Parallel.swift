import Dispatch

/// Elementwise work below this many elements runs on the calling thread (dispatch costs ~0.3 µs).
let parallelThreshold = 100_000

/// Runs `body(lo, hi)` over `0 ..< n`, split across two threads when `n` is large (each half writes a
/// disjoint range).
@inline(__always)
func parallelChunks(_ n: Int, _ body: (Int, Int) -> Void) {
    if n < parallelThreshold {
        body(0, n)
        return
    }
    DispatchQueue.concurrentPerform(iterations: 2) { c in
        body(c == 0 ? 0 : n / 2, c == 0 ? n / 2 : n)
    }
}
