// The vector vocabulary of LSTMKernelBodies.h in AVX-512 F: 16 lanes per vector, for LSTMKernelsAVX512.c.
// Vector256.h defines the same names in AVX2 + FMA; the bodies use only these names and the operators
// + − × ÷ of the vector type, so both instruction sets run the same IEEE operations on every element.
// Every function carries its target itself: the target's files compile for the baseline CPU, and these
// run only when the caller passes TRUFL_ISA_AVX512 (after `trufl_best_isa()` said so).
#ifndef TRUFL_VECTOR_H
#define TRUFL_VECTOR_H

#include <immintrin.h>
#include <stddef.h>

#define ISA_NAME(name) trufl_avx512_##name
#define KERNEL __attribute__((target("avx512f"))) static inline
#define INLINE __attribute__((target("avx512f"), always_inline)) static inline
#define ENTRY __attribute__((target("avx512f")))

typedef __m512 V;
typedef __mmask16 M;  // which lanes a load or store touches
typedef __mmask16 C;  // a comparison's outcome per lane

// LANES per vector; the products work per panel (GROUP_PANELS), in one pass of its 8 rows (PASS_ROWS) ×
// PASS_VECTORS vectors of columns: 16 accumulators of the 32 registers. The weights' gradient sums blocks of
// WEIGHT_BLOCK columns: smaller blocks (256, 512, 1024), which keep a block of `src` in the L2 cache,
// measured slower for the benchmark's 2048 columns (the extra passes over the accumulators cost more than
// `src` streaming from L3). Transposition works in TILE × TILE tiles and filing (`file_tile`) in
// 8 rows × FILE_COLUMNS.
enum { LANES = 16, GROUP_PANELS = 1, PASS_ROWS = 8, SHORT_PASS_ROWS = 8, PASS_VECTORS = 2, WEIGHT_BLOCK = 2048,
       TILE = 16, FILE_COLUMNS = 16 };

KERNEL V splat(float x) { return _mm512_set1_ps(x); }
KERNEL V zero(void) { return _mm512_setzero_ps(); }

/// Lanes `column ..< column + LANES` that are inside `batch`.
KERNEL M lanes(int column, int batch) {
    int n = batch - column;
    return n >= 16 ? (M)0xFFFF : n <= 0 ? (M)0 : (M)((1u << n) - 1);
}
/// `m` when `keep`, else no lanes.
KERNEL M lanes_if(M m, int keep) { return keep ? m : 0; }

/// Loads with `m` read 0 in the other lanes (and touch no memory there).
KERNEL V load(const float *p, M m) { return _mm512_maskz_loadu_ps(m, p); }
KERNEL V load_all(const float *p) { return _mm512_loadu_ps(p); }
KERNEL V load_masked(const float *p, M m) { return _mm512_maskz_loadu_ps(m, p); }  // the same as `load`
KERNEL void store(float *p, V v, M m) { _mm512_mask_storeu_ps(p, m, v); }
KERNEL void store_all(float *p, V v) { _mm512_storeu_ps(p, v); }

KERNEL V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }    // a·b + c, rounded once
KERNEL V fnmadd(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }  // c − a·b, rounded once
KERNEL V max_(V a, V b) { return _mm512_max_ps(a, b); }  // b where either is NaN (vmaxps)
KERNEL C less(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }  // false for NaN
KERNEL V choose(C c, V a, V b) { return _mm512_mask_blend_ps(c, b, a); }  // c ? a : b

KERNEL V minus_abs(V x) {
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000)));
}
KERNEL V abs_(V x) {
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7FFFFFFF)));
}

/// `p·2ⁿ` for an integer `n` (which `rounded`, `n + 1.5·2²³`, also holds in its low bits): exact for the
/// `n ≥ −126` and `p ∈ [0.7, 1.42]` of `exp_non_positive` (no subnormal result), so the same as
/// Vector256.h's multiply by 2ⁿ built from exponent bits.
KERNEL V times_power_of_two(V p, V n, V rounded) {
    (void)rounded;
    return _mm512_scalef_ps(p, n);
}

// Transposition in 16 × 16 tiles: 16 rows in, four rounds of in-register shuffles, 16 rows out.

KERNEL void transpose_tile(const float *in, size_t in_stride, float *out, size_t out_stride) {
    V r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(in + i * in_stride);
    for (int i = 0; i < 8; i++) {  // pairs of rows interleaved element by element
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {  // then pairs of elements
        __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
        __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
        r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    for (int i = 0; i < 4; i++) {  // then 128-bit lanes, twice
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
    for (int i = 0; i < 16; i++) _mm512_storeu_ps(out + i * out_stride, r[i]);
}

KERNEL __m256 upper(V v) { return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)); }

// Eight rows of 16 (`stride` floats apart) as 16 rows of 8 at `to`: pairs of rows, then pairs of pairs
// interleaved within 128-bit lanes, then the lanes of rows 0–3 and 4–7 joined. `stream` (a constant where
// inlined) writes with non-temporal stores, which need `to` 32-byte aligned.
INLINE void file_tile(const float *rows, size_t stride, float *to, int stream) {
    V r[8], t[8], u[8];
    for (int i = 0; i < 8; i++) r[i] = _mm512_loadu_ps(rows + i * stride);
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {  // u[4i + k]: in lane L, column 4L + k of rows 4i ..< 4i + 4
        __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
        __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
        u[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    const __m512i low = _mm512_set_epi32(23, 22, 21, 20, 7, 6, 5, 4, 19, 18, 17, 16, 3, 2, 1, 0);
    const __m512i high = _mm512_set_epi32(31, 30, 29, 28, 15, 14, 13, 12, 27, 26, 25, 24, 11, 10, 9, 8);
    for (int k = 0; k < 4; k++) {  // columns k, k + 4 and k + 8, k + 12, all 8 rows each
        V a = _mm512_permutex2var_ps(u[k], low, u[4 + k]), b = _mm512_permutex2var_ps(u[k], high, u[4 + k]);
        __m256 out[4] = {_mm512_castps512_ps256(a), upper(a), _mm512_castps512_ps256(b), upper(b)};
        for (int j = 0; j < 4; j++) {
            float *row = to + 8 * (k + 4 * j);
            if (stream) _mm256_stream_ps(row, out[j]); else _mm256_storeu_ps(row, out[j]);
        }
    }
}

#endif
