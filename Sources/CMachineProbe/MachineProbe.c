// See include/MachineProbe.h. Each kernel carries its own target attribute, so this file builds for the
// x86-64 baseline and the caller checks trufl_probe_has_fma before running a width.
#include "MachineProbe.h"

#include <math.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

long trufl_probe_add_chain(long rounds) {
    long x = 0;
    for (long i = 0; i < rounds; i++) {
        // One dependency chain through x: each add waits for the previous one (latency 1 cycle). The loop's
        // own counter and branch are independent and run on other pipes alongside.
        __asm__ volatile(".rept 100\n\taddq $1, %0\n\t.endr" : "+r"(x));
    }
    return x;
}

static int os_saves(unsigned mask) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;  // OSXSAVE: xgetbv is usable
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & mask) == mask;
}

int trufl_probe_has_fma(int width) {
    unsigned a, b, c, d;
    if (width == 256) {
        if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 12))) return 0;  // FMA3
        return os_saves(0x6);  // SSE and AVX state
    }
    if (width == 512) {
        if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !((b >> 16) & 1)) return 0;  // AVX-512 F
        return os_saves(0xE6);  // SSE, AVX, opmask and all ZMM state
    }
    return 0;
}

// Twelve chains a_i ← a_i·m + c, each FMA waiting on the previous one of its chain; m slightly below 1 and
// c small keep the values finite and normal for any number of rounds. The constants are read through
// volatiles: known at compile time, a chain starting at its fixed point (1 = 1·m + (1 − m)) is folded away.
static volatile float start = 0.5f, slope = 0.999999f, offset = 1e-6f;
#define CHAINS(T, FMA) \
    T a0 = s, a1 = s, a2 = s, a3 = s, a4 = s, a5 = s, a6 = s, a7 = s, a8 = s, a9 = s, a10 = s, a11 = s; \
    for (long i = 0; i < rounds; i++) { \
        a0 = FMA(a0, m, c); a1 = FMA(a1, m, c); a2 = FMA(a2, m, c); a3 = FMA(a3, m, c); \
        a4 = FMA(a4, m, c); a5 = FMA(a5, m, c); a6 = FMA(a6, m, c); a7 = FMA(a7, m, c); \
        a8 = FMA(a8, m, c); a9 = FMA(a9, m, c); a10 = FMA(a10, m, c); a11 = FMA(a11, m, c); \
        a0 = FMA(a0, m, c); a1 = FMA(a1, m, c); a2 = FMA(a2, m, c); a3 = FMA(a3, m, c); \
        a4 = FMA(a4, m, c); a5 = FMA(a5, m, c); a6 = FMA(a6, m, c); a7 = FMA(a7, m, c); \
        a8 = FMA(a8, m, c); a9 = FMA(a9, m, c); a10 = FMA(a10, m, c); a11 = FMA(a11, m, c); \
    } \
    T total = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));

__attribute__((target("avx2,fma"))) static float fma256(long rounds) {
    const __m256 s = _mm256_set1_ps(start), m = _mm256_set1_ps(slope), c = _mm256_set1_ps(offset);
    CHAINS(__m256, _mm256_fmadd_ps)
    float lanes[8];
    _mm256_storeu_ps(lanes, total);
    return lanes[0] + lanes[7];
}

__attribute__((target("avx512f"))) static float fma512(long rounds) {
    const __m512 s = _mm512_set1_ps(start), m = _mm512_set1_ps(slope), c = _mm512_set1_ps(offset);
    CHAINS(__m512, _mm512_fmadd_ps)
    return _mm512_reduce_add_ps(total);
}

float trufl_probe_fma(long rounds, int width) {
    if (!trufl_probe_has_fma(width)) return NAN;
    return width == 512 ? fma512(rounds) : fma256(rounds);
}

#else

long trufl_probe_add_chain(long rounds) { (void)rounds; return 0; }
float trufl_probe_fma(long rounds, int width) { (void)rounds; (void)width; return NAN; }
int trufl_probe_has_fma(int width) { (void)width; return 0; }

#endif
