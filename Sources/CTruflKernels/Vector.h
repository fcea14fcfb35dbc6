// Shared helpers of the engine's AVX-512 kernels (LSTMKernels.c, LSTMGradients.c); x86-64 only.
// Every function carries the `avx512f` target itself, so the files compile for the baseline CPU and the
// kernels run only after `trufl_lstm_avx512_available()` says they may.
#ifndef TRUFL_VECTOR_H
#define TRUFL_VECTOR_H

#include <immintrin.h>
#include <stddef.h>

#define KERNEL __attribute__((target("avx512f"))) static inline
#define ENTRY __attribute__((target("avx512f")))

typedef __m512 V;

KERNEL V splat(float x) { return _mm512_set1_ps(x); }

/// Lanes `column ..< column + 16` that are inside `batch`.
KERNEL __mmask16 lanes(int column, int batch) {
    int n = batch - column;
    return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}

KERNEL V load16(const float *p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
KERNEL void store16(float *p, V v, __mmask16 m) { _mm512_mask_storeu_ps(p, m, v); }
KERNEL V choose(__mmask16 m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }  // m ? a : b

KERNEL __m256 upper(V v) { return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)); }

// The product both directions share: eight rows (weights packed `[k][8]`) times 32 columns of `b` (rows
// `stride` apart), added to acc[row][half]. `full`, a constant where it is inlined, drops the masks.

enum { PANEL_ROWS = 8 };

__attribute__((target("avx512f"), always_inline)) static inline void
panel_product(const float *w, const float *b, size_t stride, int k_count, __mmask16 m0, __mmask16 m1, int full,
              V acc[PANEL_ROWS][2]) {
    for (int k = 0; k < k_count; k++, b += stride, w += PANEL_ROWS) {
        V b0 = full ? _mm512_loadu_ps(b) : load16(b, m0);
        V b1 = full ? _mm512_loadu_ps(b + 16) : load16(b + 16, m1);
#pragma clang loop unroll(full)
        for (int r = 0; r < PANEL_ROWS; r++) {
            V wr = splat(w[r]);
            acc[r][0] = _mm512_fmadd_ps(wr, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(wr, b1, acc[r][1]);
        }
    }
}

KERNEL void product(const float *w, const float *b, size_t stride, int k_count, __mmask16 m0, __mmask16 m1,
                    V acc[PANEL_ROWS][2]) {
    if ((m0 & m1) == 0xFFFF) {
        panel_product(w, b, stride, k_count, m0, m1, 1, acc);
    } else {
        panel_product(w, b, stride, k_count, m0, m1, 0, acc);
    }
}

// Transposition in 16 × 16 tiles: 16 rows in, four rounds of in-register shuffles, 16 rows out.

KERNEL void transpose16(const float *in, size_t in_stride, float *out, size_t out_stride) {
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

// Eight rows of 16 (`stride` floats apart) as 16 rows of 8 at `to`: pairs of rows, then pairs of pairs
// interleaved within 128-bit lanes, then the lanes of rows 0–3 and 4–7 joined. `stream` (a constant where
// inlined) writes with non-temporal stores, which need `to` 32-byte aligned.
__attribute__((target("avx512f"), always_inline)) static inline void
file_tile(const float *rows, size_t stride, float *to, int stream) {
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
