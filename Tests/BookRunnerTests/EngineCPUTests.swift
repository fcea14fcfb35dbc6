import Testing
@testable import BookRunner

@Suite struct EngineCPUTests {
    @Test func aCPUWithTheFlagsPassesAndOneWithoutIsNamed() {
        #expect(EngineCPU.missingFeatures(flags: Set(EngineCPU.required + ["sse2"])).isEmpty)
        #expect(EngineCPU.missingFeatures(flags: ["fpu", "sse2"]) == EngineCPU.required)
        #expect(EngineCPU.problem(missing: []) == nil)
        let message = EngineCPU.problem(missing: ["avx2", "fma"]) ?? ""
        #expect(message.contains("avx2, fma") && message.contains("TRUFL_PORTABLE=1"))
    }

    /// An unreadable /proc/cpuinfo gives no flags: no verdict rather than a false alarm.
    @Test func noFlagsMeansNoVerdict() {
        #expect(EngineCPU.missingFeatures(flags: []).isEmpty)
    }
}
