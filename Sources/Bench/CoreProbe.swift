import CMachineProbe
import Foundation

/// The peak of the core the rows run on, from its parts (row 1's "fraction of peak"):
/// vector lanes × 2 FLOP per FMA × FMAs per cycle × clock. Inside a VM neither of the last two can be read
/// from the OS (/proc/cpuinfo's clock is the nominal TSC clock, not the clock under load, and nothing says
/// how many FMA units there are), so both are measured here, on this thread's core:
/// - the clock, by a chain of dependent integer adds (one cycle each): cycles per second of CPU time;
/// - the FMAs per second of each vector width the CPU has, by twelve independent FMA chains (enough to keep
///   two pipes busy through a 4-cycle latency); divided by the clock, FMAs per cycle.
/// Each is the median of ``trials`` interleaved samples of about ``seconds`` of CPU time each (thread CPU time,
/// so time the core spends on other processes is not counted).
enum CoreProbe {
    static let trials = 7, seconds = 0.03

    struct Result {
        var clockHz: Double
        /// FMA instructions per second, by vector width in bits (256, 512).
        var fmaPerSecond: [Int: Double]
    }

    static func threadSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Seconds of thread CPU time `body` takes.
    static func time(_ body: () -> Void) -> Double {
        let t0 = threadSeconds()
        body()
        return threadSeconds() - t0
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func measure() -> Result? {
        guard trufl_probe_add_chain(1) == 100 else { return nil }  // not x86-64: no probe
        let widths = [256, 512].filter { trufl_probe_has_fma(Int32($0)) == 1 }
        // Size each probe to about `seconds` at a guessed 4 GHz and 2 FMAs per cycle.
        let addRounds = Int(seconds * 4e9 / 100), fmaRounds = Int(seconds * 8e9 / 24)
        var sink = 0.0
        _ = trufl_probe_add_chain(addRounds / 4)  // warm-up
        var clocks: [Double] = [], rates: [Int: [Double]] = [:]
        for _ in 0..<trials {
            for w in widths {
                let t = time { sink += Double(trufl_probe_fma(fmaRounds, Int32(w))) }
                rates[w, default: []].append(Double(fmaRounds * 24) / t)
            }
            let t = time { sink += Double(trufl_probe_add_chain(addRounds)) }
            clocks.append(Double(addRounds * 100) / t)
        }
        guard sink.isFinite else { fatalError("CoreProbe: the FMA chains overflowed") }
        return Result(clockHz: median(clocks), fmaPerSecond: rates.mapValues(median))
    }

    /// For the `machine` report: the clock in GHz and, per width, FMAs per second and per cycle.
    static func report() -> [String: Any] {
        guard let r = measure() else { return ["probe": "not available on this architecture"] }
        var widths: [String: Any] = [:]
        for (w, rate) in r.fmaPerSecond {
            widths[String(w)] = ["fma_per_second": rate, "fma_per_cycle": rate / r.clockHz, "lanes": w / 32]
        }
        return ["clock_ghz": r.clockHz / 1e9, "fma": widths,
                "method": "clock: 100 dependent integer adds per round, 1 cycle each; FMAs: 12 independent chains "
                    + "of fused multiply-adds; each the median of \(trials) interleaved samples of thread CPU time"]
    }
}
