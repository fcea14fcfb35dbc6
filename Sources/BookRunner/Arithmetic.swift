import Foundation

/// The arithmetic a chapter's numbers are computed in, and the switch that chooses it.
///
/// A chapter's committed outputs are regression tests only if every machine computes the same bits, and
/// training turns a last-bit difference into another validity. On x86-64 CPUs with AVX2 and FMA three
/// things would differ from one machine to the next:
/// - OpenBLAS's kernel. Debian's build carries one per CPU family and picks one when it loads (SkylakeX on
///   an AVX-512 CPU, Haswell or Zen elsewhere); each blocks and sums a product in its own order.
/// - OpenBLAS's threads: as many as cores, each product split among them.
/// - The engine's C kernels (`Sources/CTruflKernels`), in AVX-512 and AVX2: bit-identical by construction,
///   and `TRUFL_ARITHMETIC=avx2` is the switch that shows it.
///
/// The book's arithmetic fixes the first two: OpenBLAS's Haswell kernel, which every such CPU runs (its
/// blocking sizes are constants of that kernel, not read from the cache sizes), on one thread. The engine's
/// own parallel loops split work at points fixed by the sizes, never by the core count. glibc's `expf`,
/// `logf`, `exp` and `log` choose their FMA variants on every such CPU. Where the book's arithmetic cannot
/// run (a portable build on a CPU without AVX2, another architecture), ``note(flags:)`` says so.
public enum Arithmetic: String, CaseIterable, Sendable {
    /// The book's: the common OpenBLAS kernel on one thread; the engine's kernels on the CPU's widest vectors.
    case book
    /// The book's with the engine's kernels forced to AVX2 on an AVX-512 CPU: the same bytes as `book`.
    case avx2
    /// The fastest for this CPU (OpenBLAS's own kernel for it, SkylakeX on AVX-512): for benchmarks; its
    /// outputs differ from the committed ones in the last bits, and after training in more.
    case native

    /// The environment variable that chooses (unset: `book`).
    public static let variable = "TRUFL_ARITHMETIC"
    /// What the engine reads to choose its kernels' instruction set (`FusedLSTMSteps.isa`, in
    /// Sources/Trufl/Layers/FusedLSTMSteps.swift, which names it too: the engine does not link the runner).
    static let kernelISAVariable = "TRUFL_KERNEL_ISA"
    /// The OpenBLAS kernel of the book's arithmetic.
    public static let commonBLASKernel = "HASWELL"
    /// The CPU flags the common kernel needs.
    static let commonKernelFlags: Set<String> = ["avx", "avx2", "fma"]

    /// The arithmetic `TRUFL_ARITHMETIC` names; a value that names none is an error with the choices.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Arithmetic {
        guard let value = environment[variable], !value.isEmpty else { return .book }
        guard let arithmetic = Arithmetic(rawValue: value) else {
            throw ChapterError(variable, "'\(value)' is not an arithmetic; choose one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return arithmetic
    }

    /// The OpenBLAS core type for a CPU with these `/proc/cpuinfo` flags when OpenBLAS may choose the
    /// fastest (Debian's 0.3.21 misreads recent CPUs and would fall back to its SSE3 kernel), or nil to
    /// let OpenBLAS decide.
    public static func fastestBLASKernel(forFlags flags: Set<String>) -> String? {
        let skylakeX: Set = ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "avx2", "fma"]
        if skylakeX.isSubset(of: flags) { return "SKYLAKEX" }
        if commonKernelFlags.isSubset(of: flags) { return commonBLASKernel }
        if flags.contains("avx") { return "SANDYBRIDGE" }
        return nil
    }

    /// Whether a CPU with these flags computes the book's arithmetic (unknown flags: assumed so).
    public static func reproducesBook(flags: Set<String>) -> Bool {
        #if arch(x86_64)
        return flags.isEmpty || commonKernelFlags.isSubset(of: flags)
        #else
        return false
        #endif
    }

    /// The variables this arithmetic sets for `book`'s children (and for the unit tests, via the Makefile).
    /// A user's own `OPENBLAS_CORETYPE` is kept only under `native`.
    public func environment(flags: Set<String>, current: [String: String]) -> [String: String] {
        var variables = ["OPENBLAS_NUM_THREADS": "1", Arithmetic.kernelISAVariable: self == .avx2 ? "avx2" : "best"]
        switch self {
        case .book, .avx2:
            if Arithmetic.reproducesBook(flags: flags) {
                #if arch(x86_64)
                variables["OPENBLAS_CORETYPE"] = Arithmetic.commonBLASKernel
                #endif
            } else if let kernel = Arithmetic.fastestBLASKernel(forFlags: flags) {
                variables["OPENBLAS_CORETYPE"] = kernel  // the best this CPU runs; `note` says the bits differ
            }
        case .native:
            if let own = current["OPENBLAS_CORETYPE"], !own.isEmpty {
                variables["OPENBLAS_CORETYPE"] = own
            } else if let kernel = Arithmetic.fastestBLASKernel(forFlags: flags) {
                variables["OPENBLAS_CORETYPE"] = kernel
            }
        }
        return variables
    }

    /// One line for `book test` and `book run` when this machine's outputs cannot match the committed ones
    /// (nil when they should).
    public func note(flags: Set<String>) -> String? {
        let made = "the committed outputs were made with the book's arithmetic (x86-64 with AVX2 and FMA, OpenBLAS's \(Arithmetic.commonBLASKernel) kernel on one thread)"
        if self == .native {
            return "note: \(Arithmetic.variable)=native computes with this CPU's fastest kernels; \(made), so outputs may differ"
        }
        if !Arithmetic.reproducesBook(flags: flags) {
            #if arch(x86_64)
            let machine = "this CPU lacks \(Arithmetic.commonKernelFlags.subtracting(flags).sorted().joined(separator: ", "))"
            #else
            let machine = "this machine is not x86-64"
            #endif
            return "note: \(made); \(machine), so outputs may differ in the last digits"
        }
        return nil
    }

    /// The `/proc/cpuinfo` flags of the first processor (empty when unreadable).
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Chooses the arithmetic from the environment and sets its variables for this process and its
    /// children, before anything loads OpenBLAS (which reads them once, when it loads). Call it first.
    @discardableResult
    public static func configureProcess() throws -> Arithmetic {
        let arithmetic = try fromEnvironment()
        for (name, value) in arithmetic.environment(flags: cpuFlags(), current: ProcessInfo.processInfo.environment) {
            setenv(name, value, 1)
        }
        return arithmetic
    }

    /// The kernel OpenBLAS runs with, read by loading the library (after ``configureProcess()``).
    public static func blasKernelInUse() -> String {
        guard let handle = dlopen("libopenblas.so.0", RTLD_NOW) ?? dlopen("libopenblas.so", RTLD_NOW) else {
            return "OpenBLAS not found"
        }
        guard let symbol = dlsym(handle, "openblas_get_corename") else { return "unknown (no openblas_get_corename)" }
        typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
        let function = unsafeBitCast(symbol, to: CoreName.self)
        return function().map { String(cString: $0) } ?? "unknown"
    }

    /// One line for `book`'s header.
    public func describe() -> String {
        let isa = self == .avx2 ? "engine kernels forced to AVX2" : "engine kernels on the widest vectors"
        return "arithmetic \(rawValue) (OpenBLAS \(Arithmetic.blasKernelInUse()) on 1 thread, \(isa))"
    }
}
