import Foundation

/// What the engine side reports about itself: the OpenBLAS kernel and thread count actually in use.
enum Machine {
    /// libopenblas is already loaded (Trufl links it); dlopen returns the same handle.
    private static let handle: UnsafeMutableRawPointer? =
        dlopen("libopenblas.so.0", RTLD_NOW) ?? dlopen("libopenblas.so", RTLD_NOW)

    static var openBLASCoreName: String {
        guard let handle, let symbol = dlsym(handle, "openblas_get_corename") else { return "unknown" }
        typealias F = @convention(c) () -> UnsafeMutablePointer<CChar>?
        return unsafeBitCast(symbol, to: F.self)().map { String(cString: $0) } ?? "unknown"
    }

    static var openBLASThreads: Int {
        guard let handle, let symbol = dlsym(handle, "openblas_get_num_threads") else { return -1 }
        typealias F = @convention(c) () -> Int32
        return Int(unsafeBitCast(symbol, to: F.self)())
    }

    static var openBLASConfig: String {
        guard let handle, let symbol = dlsym(handle, "openblas_get_config") else { return "unknown" }
        typealias F = @convention(c) () -> UnsafeMutablePointer<CChar>?
        return unsafeBitCast(symbol, to: F.self)().map { String(cString: $0) } ?? "unknown"
    }

    /// The CPUs this process may run on (e.g. "1" under `taskset -c 1`), from /proc/self/status.
    static var allowedCPUs: String {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") })
        else { return "unknown" }
        return line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces)
    }

    static func info() -> [String: Any] {
        let env = ProcessInfo.processInfo.environment
        return [
            "blas": "OpenBLAS \(openBLASConfig)",
            "blas_kernel": openBLASCoreName,
            "blas_threads": openBLASThreads,
            "OPENBLAS_CORETYPE": env["OPENBLAS_CORETYPE"] ?? "(unset)",
            "allowed_cpus": allowedCPUs,
            "core": CoreProbe.report(),
        ]
    }
}

/// The clock every row reads: wall time (CLOCK_MONOTONIC) or this process's CPU time, user + system, all
/// threads (CLOCK_PROCESS_CPUTIME_ID; bench/pytorch uses time.process_time(), the same clock). CPU time
/// leaves out the time other processes on a shared machine hold the core, and counts page faults.
nonisolated(unsafe) var benchClock = CLOCK_MONOTONIC

/// Seconds on `benchClock`.
@inline(__always)
func now() -> Double {
    var t = timespec()
    clock_gettime(benchClock, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
