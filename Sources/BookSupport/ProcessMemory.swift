import Glibc

/// Keeps freed tensor memory inside the process.
///
/// By default glibc returns large freed blocks to the kernel (anything over 128 KiB comes from its own
/// mmap and goes back on free), so a training loop that allocates the same tensors every step faults
/// the same pages in again and again. Measured on the LSTM benchmark: about 22,000 page faults per
/// iteration and a third of the forward time in the kernel; with these thresholds raised, 10× fewer
/// faults. A process-wide setting, so a program makes it once where it starts: a chapter's program
/// (``BookProgram/start()``), `trufl-cell` and `trufl-bench`; the engine itself never changes it.
public enum ProcessMemory {
    // <malloc.h> is not part of Swift's Glibc module: mallopt is looked up by name, with its parameter
    // numbers from that header.
    private static let trimThreshold: Int32 = -1, topPad: Int32 = -2, mmapThreshold: Int32 = -3

    /// Raises glibc's thresholds for returning freed memory to the kernel (once per process; later calls do nothing).
    public static func keepFreedMemory() { applied }

    private static let applied: Void = {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        // glibc refuses an mmap threshold above 32 MiB on 64-bit systems (the call then changes nothing).
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, 1 << 30)
        _ = mallopt(topPad, 256 << 20)
    }()
}
