// Two probes of the core the benchmark runs on, for the peak that sgemm is measured against (bench/run.py):
// its clock under load, and how many fused multiply-adds of each vector width it completes per second.
// Neither is readable from the OS inside a VM: /proc/cpuinfo gives the nominal TSC clock, not the boost
// clock, and no interface says how many FMA units there are.
#ifndef TRUFL_MACHINE_PROBE_H
#define TRUFL_MACHINE_PROBE_H

/// Runs `rounds` × 100 dependent 64-bit integer adds (one cycle each on every x86-64 core since the
/// Pentium Pro, on its own simple-integer pipe), so the time taken is `rounds` × 100 cycles. Returns a
/// value depending on the chain so nothing is optimised away. 0 on other architectures.
long trufl_probe_add_chain(long rounds);

/// Runs `rounds` × 24 fused multiply-adds on `width`-bit single-precision vectors (256: AVX2 FMA; 512:
/// AVX-512 F), as 12 independent accumulator chains, enough to hide the FMA latency (4 cycles) on two
/// pipes. Returns the sum of the accumulators. Returns NaN when the CPU lacks the instructions (check
/// first with trufl_probe_has_fma).
float trufl_probe_fma(long rounds, int width);

/// 1 when this CPU and OS can run `width`-bit FMAs (256 or 512), else 0.
int trufl_probe_has_fma(int width);

#endif
