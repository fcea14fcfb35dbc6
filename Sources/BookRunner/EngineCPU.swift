import Foundation

/// The instruction set the engine was compiled for, checked against this CPU before anything loads it.
///
/// On x86-64 the engine is built for x86-64-v3 unless `TRUFL_PORTABLE=1` was set at build time (see
/// Package.swift): run on a CPU without AVX2 or FMA it would stop at its first vector instruction with
/// "Illegal instruction" and no word of why. `book` calls ``missingFeatures(flags:)`` first and says why instead.
public enum EngineCPU {
    /// The `/proc/cpuinfo` flags the engine's build needs (empty for a portable build or another architecture).
    public static var required: [String] {
        #if TRUFL_X86_64_V3
        return ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe"]
        #else
        return []
        #endif
    }

    /// The required flags this CPU lacks; empty when it has them all (or when /proc/cpuinfo is unreadable,
    /// where the check gives no answer rather than a wrong one).
    public static func missingFeatures(flags: Set<String> = Arithmetic.cpuFlags()) -> [String] {
        if flags.isEmpty { return [] }
        return required.filter { !flags.contains($0) }
    }

    /// A message for a CPU that lacks `missing`, or nil when nothing is missing.
    public static func problem(missing: [String]) -> String? {
        guard !missing.isEmpty else { return nil }
        return "this build of the engine needs x86-64-v3 (AVX2, FMA), but this CPU lacks \(missing.joined(separator: ", ")). "
            + "Rebuild for the x86-64 baseline: TRUFL_PORTABLE=1 make (after rm -rf .build)."
    }
}
