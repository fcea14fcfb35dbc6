import Foundation

/// Chooses OpenBLAS's kernel for this CPU.
///
/// Debian's OpenBLAS 0.3.21 does not recognise newer CPUs (this machine's AMD EPYC among them) and falls
/// back to its SSE3 kernel, 3–5× slower at sgemm. The library reads `OPENBLAS_CORETYPE` once, when it is
/// loaded, so `book` sets it before any chapter process starts (and before it loads the library itself
/// to report the kernel). The choice never names a kernel whose instructions the CPU lacks.
public enum BLASKernel {
    /// The OpenBLAS core type for a CPU with these `/proc/cpuinfo` flags, or nil to let OpenBLAS decide.
    public static func coreType(forFlags flags: Set<String>) -> String? {
        let skylakeX: Set = ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "avx2", "fma"]
        if skylakeX.isSubset(of: flags) { return "SKYLAKEX" }
        if ["avx2", "fma", "avx"].allSatisfy(flags.contains) { return "HASWELL" }
        if flags.contains("avx") { return "SANDYBRIDGE" }
        return nil
    }

    /// The flags of the first processor in `/proc/cpuinfo`.
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Sets `OPENBLAS_CORETYPE` for this process and its children unless the user already set it.
    /// Returns the value in force and whether it was chosen here.
    @discardableResult
    public static func configureEnvironment() -> (coreType: String?, chosen: Bool) { configured }

    private static let configured: (coreType: String?, chosen: Bool) = {
        if let existing = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !existing.isEmpty {
            return (existing, false)
        }
        guard let choice = coreType(forFlags: cpuFlags()) else { return (nil, false) }
        setenv("OPENBLAS_CORETYPE", choice, 1)
        return (choice, true)
    }()

    /// The kernel OpenBLAS runs with, read by loading the library (after `configureEnvironment`).
    public static func coreNameInUse() -> String {
        guard let handle = dlopen("libopenblas.so.0", RTLD_NOW) ?? dlopen("libopenblas.so", RTLD_NOW) else {
            return "OpenBLAS not found"
        }
        guard let symbol = dlsym(handle, "openblas_get_corename") else { return "unknown (no openblas_get_corename)" }
        typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
        let function = unsafeBitCast(symbol, to: CoreName.self)
        return function().map { String(cString: $0) } ?? "unknown"
    }

    /// One line for `book run`'s header.
    public static func describe() -> String {
        let (coreType, chosen) = configureEnvironment()
        let origin = coreType.map { chosen ? "OPENBLAS_CORETYPE=\($0), chosen from the CPU's flags" : "OPENBLAS_CORETYPE=\($0), set by you" }
            ?? "OpenBLAS's own choice"
        return "BLAS kernel: \(coreNameInUse()) (\(origin))"
    }
}
