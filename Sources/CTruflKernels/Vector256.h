// The vector vocabulary of LSTMKernelBodies.h in AVX2 + FMA: 8 lanes per vector, for LSTMKernelsAVX2.c.
// The same names as Vector512.h, each computing per lane what its AVX-512 namesake computes (see there).
// Every function carries its target itself: the target's files compile for the baseline CPU, and these
// run only when the caller passes TRUFL_ISA_AVX2 (after `trufl_best_isa()` said so).
#ifndef TRUFL_VECTOR_H
#define TRUFL_VECTOR_H

#include <immintrin.h>
#include <stddef.h>

#define ISA_NAME(name) trufl_avx2_##name
#define KERNEL __attribute__((target("avx2,fma"))) static inline
#define INLINE __attribute__((target("avx2,fma"), always_inline)) static inline
#define ENTRY __attribute__((target("avx2,fma")))

typedef __m256 V;
// Which lanes a load or store touches (all ones there), and whether that is all of them: AMD's masked
// stores (vmaskmovps) take about 14 cycles each even with every lane on (Zen 4: 4 ns against 0.3 ns for
// vmovups), so whole vectors move with plain loads and stores (the backward step at hidden 64 took 11
// instead of 15 µs).
typedef struct { __m256i lanes; int all; } M;
typedef __m256 C;   // a comparison's outcome per lane: all ones where true

// With 16 registers, a pass of the products is 6 rows × 2 vectors (16 columns): 12 accumulators, the two
// vectors of the operand's row and a broadcast weight (8 rows, as in AVX-512, would spill). Twelve chains
// of 4-cycle FMAs keep both FMA pipes busy with room to spare; with eight (4 rows) the forward and backward
// steps took 7 % and 6 % longer on Zen 4. So the products work on groups of 3 panels (24 rows: 4 passes;
// what remains of the last, 16 rows in 6 + 6 + 4 or 8 in 4 + 4). Passes over other rows or columns change
// no element's operations. The weights' gradient sums blocks of 256 columns, whose `src` (for the
// benchmark) stays in the L2 cache from one group to the next: 95 instead of 80 GFLOP/s with AVX-512's
// 2048 (a pass of 16 columns streams twice as many of `src`'s lines per FMA as AVX-512's 32).
enum { LANES = 8, GROUP_PANELS = 3, PASS_ROWS = 6, SHORT_PASS_ROWS = 4, PASS_VECTORS = 2, WEIGHT_BLOCK = 256,
       TILE = 8, FILE_COLUMNS = 8 };

KERNEL V splat(float x) { return _mm256_set1_ps(x); }
KERNEL V zero(void) { return _mm256_setzero_ps(); }

/// Lanes `column ..< column + LANES` that are inside `batch`.
KERNEL M lanes(int column, int batch) {
    M m = {_mm256_cmpgt_epi32(_mm256_set1_epi32(batch - column), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
           batch - column >= 8};
    return m;
}
/// `m` when `keep`, else no lanes.
KERNEL M lanes_if(M m, int keep) {
    M kept = {_mm256_and_si256(m.lanes, _mm256_set1_epi32(keep ? -1 : 0)), m.all && keep};
    return kept;
}

/// Loads with `m` read 0 in the other lanes (and touch no memory there).
KERNEL V load(const float *p, M m) { return m.all ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m.lanes); }
KERNEL V load_all(const float *p) { return _mm256_loadu_ps(p); }
KERNEL V load_masked(const float *p, M m) { return _mm256_maskload_ps(p, m.lanes); }  // no branch: inner loops
KERNEL void store(float *p, V v, M m) {
    if (m.all) _mm256_storeu_ps(p, v); else _mm256_maskstore_ps(p, m.lanes, v);
}
KERNEL void store_all(float *p, V v) { _mm256_storeu_ps(p, v); }

KERNEL V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
KERNEL V fnmadd(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
KERNEL V max_(V a, V b) { return _mm256_max_ps(a, b); }  // b where either is NaN, as _mm512_max_ps
KERNEL C less(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
KERNEL V choose(C c, V a, V b) { return _mm256_blendv_ps(b, a, c); }  // c ? a : b

KERNEL V minus_abs(V x) { return _mm256_or_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000))); }
KERNEL V abs_(V x) { return _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF))); }

/// `p·2ⁿ` for an integer `n` in [−126, 127], which `rounded` (`n + 1.5·2²³`) holds in its low bits: 2ⁿ's
/// exponent field is those bits plus 127, shifted into place (the shift drops the magic number's own
/// bits). One multiply by a power of two with a normal result: exact, so the same as vscalefps.
KERNEL V times_power_of_two(V p, V n, V rounded) {
    (void)n;
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(rounded), _mm256_set1_epi32(127)), 23);
    return p * _mm256_castsi256_ps(bits);
}

// Transposition in 8 × 8 tiles: each register loaded with 4 columns of rows i and i + 4 in its 128-bit
// halves, so that no shuffle has to cross them (16 shuffles instead of 24: Intel's AVX2 cores shuffle on
// one port, and vinsertf128 from memory takes none), then pairs of rows interleaved element by element,
// then pairs of elements.

KERNEL void transpose8(const float *in, size_t in_stride, V out[8]) {
    V r[8], t[8];
    for (int i = 0; i < 4; i++) {  // r[i]: columns 0–3 of rows i, i + 4; r[4 + i]: columns 4–7
        for (int half = 0; half < 2; half++) {
            const float *row = in + i * in_stride + 4 * half;
            r[4 * half + i] = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(row)),
                                                   _mm_loadu_ps(row + 4 * in_stride), 1);
        }
    }
    for (int j = 0; j < 2; j++) {
        t[4 * j] = _mm256_unpacklo_ps(r[4 * j], r[4 * j + 1]);
        t[4 * j + 1] = _mm256_unpackhi_ps(r[4 * j], r[4 * j + 1]);
        t[4 * j + 2] = _mm256_unpacklo_ps(r[4 * j + 2], r[4 * j + 3]);
        t[4 * j + 3] = _mm256_unpackhi_ps(r[4 * j + 2], r[4 * j + 3]);
    }
    for (int j = 0; j < 2; j++) {  // column 4j + k of all 8 rows
        out[4 * j] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], 0x44);
        out[4 * j + 1] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], 0xEE);
        out[4 * j + 2] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0x44);
        out[4 * j + 3] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0xEE);
    }
}

KERNEL void transpose_tile(const float *in, size_t in_stride, float *out, size_t out_stride) {
    V t[8];
    transpose8(in, in_stride, t);
    for (int i = 0; i < 8; i++) _mm256_storeu_ps(out + i * out_stride, t[i]);
}

// Eight rows of 8 (`stride` floats apart) as 8 rows of 8 at `to`. `stream` (a constant where inlined)
// writes with non-temporal stores, which need `to` 32-byte aligned.
INLINE void file_tile(const float *rows, size_t stride, float *to, int stream) {
    V t[8];
    transpose8(rows, stride, t);
    for (int i = 0; i < 8; i++) {
        if (stream) _mm256_stream_ps(to + 8 * i, t[i]); else _mm256_storeu_ps(to + 8 * i, t[i]);
    }
}

#endif
