// The fused LSTM's gradient helpers in AVX-512 (see LSTMKernels.c for when they run): filing each step's
// gates' gradient in panels, the weights' gradients as products over the panels, and transposition.
#include "TruflKernels.h"

#include <stdlib.h>  // abort

#pragma clang fp contract(off)

#if defined(__x86_64__)
#include "Vector.h"

// Filing a step's gates' gradient for the weights' gradient: 8 gate rows × 16 columns at a time, turned
// into 16 rows of 8 in registers (`file_tile`, Vector.h), and the bias's sums. The panels (8 MB for the benchmark) are
// written with non-temporal stores: they are read back only after the whole backward loop, from memory
// either way, and streaming them skips reading each line in before it is overwritten (measured: 0.4 ms
// instead of 0.6–1 ms for the 64 steps).

ENTRY void trufl_lstm_file_gates(const float *dz, int gates, int batch, float *dz_panels, int columns, int column,
                                 float *bias_sums) {
    for (int g0 = 0; g0 < gates; g0 += PANEL_ROWS) {
        int rows = gates - g0 < PANEL_ROWS ? gates - g0 : PANEL_ROWS;
        float *panel = dz_panels + (size_t)g0 * columns + (size_t)column * PANEL_ROWS;
        for (int r = 0; r < rows; r++) {
            const float *row = dz + (size_t)(g0 + r) * batch;
            V sum = _mm512_loadu_ps(bias_sums + (size_t)(g0 + r) * 16);
            for (int col = 0; col < batch; col += 16) sum = sum + load16(row + col, lanes(col, batch));
            _mm512_storeu_ps(bias_sums + (size_t)(g0 + r) * 16, sum);
        }
        int col = 0;
        if (rows == PANEL_ROWS) {
            for (; col + 16 <= batch; col += 16) {
                file_tile(dz + (size_t)g0 * batch + col, batch, panel + (size_t)col * PANEL_ROWS, 1);
            }
        }
        for (; col < batch; col++) {  // the last columns (and a part-empty last panel) one by one
            for (int r = 0; r < PANEL_ROWS; r++) {
                panel[(size_t)col * PANEL_ROWS + r] = r < rows ? dz[(size_t)(g0 + r) * batch + col] : 0;
            }
        }
    }
    _mm_sfence();  // the streamed stores are ordered before whatever follows
}

// The weights' gradient from the gates' gradients in panels (`trufl_lstm_file_gates`):
// `out[g, r] (+)= Σ_c DZ[g, c] · src[c − c_begin, r]`: per panel of 8 gate rows and 32 columns of `src`
// (one tile of accumulators), the product over the columns c. Blocks of 2048 columns: smaller blocks
// (256, 512, 1024), which keep a block of `src` in the L2 cache, measured slower for the benchmark's
// 2048 columns (the extra passes over the accumulators cost more than `src` streaming from L3).

enum { WEIGHT_BLOCK = 2048 };

ENTRY void trufl_lstm_weight_gradient(const float *dz_panels, int columns, int gates, int c_begin, int c_end,
                                      const float *src, size_t src_stride, int r_count, float *out,
                                      size_t out_stride, int accumulate) {
    for (int block = c_begin; block < c_end; block += WEIGHT_BLOCK) {
        int count = c_end - block < WEIGHT_BLOCK ? c_end - block : WEIGHT_BLOCK;
        int fresh = block == c_begin && !accumulate;
        for (int g0 = 0; g0 < gates; g0 += PANEL_ROWS) {
            const float *w = dz_panels + (size_t)g0 * columns + (size_t)block * PANEL_ROWS;
            int rows = gates - g0 < PANEL_ROWS ? gates - g0 : PANEL_ROWS;
            for (int r0 = 0; r0 < r_count; r0 += 32) {
                __mmask16 m[2] = {lanes(r0, r_count), lanes(r0 + 16, r_count)};
                V acc[PANEL_ROWS][2];
#pragma clang loop unroll(full)
                for (int g = 0; g < PANEL_ROWS; g++) {
                    float *o = out + (size_t)(g0 + (g < rows ? g : 0)) * out_stride + r0;
                    __mmask16 valid = fresh || g >= rows ? 0 : 0xFFFF;
                    acc[g][0] = load16(o, m[0] & valid);
                    acc[g][1] = load16(o + 16, m[1] & valid);
                }
                product(w, src + (size_t)(block - c_begin) * src_stride + r0, src_stride, count, m[0], m[1], acc);
                for (int g = 0; g < rows; g++) {
                    float *o = out + (size_t)(g0 + g) * out_stride + r0;
                    store16(o, acc[g][0], m[0]);
                    store16(o + 16, acc[g][1], m[1]);
                }
            }
        }
    }
}

ENTRY void trufl_transpose(const float *in, int rows, int columns, size_t in_stride, float *out,
                           size_t out_stride) {
    int full_rows = rows & ~15, full_columns = columns & ~15;
    for (int r = 0; r < full_rows; r += 16) {
        for (int c = 0; c < full_columns; c += 16) {
            transpose16(in + (size_t)r * in_stride + c, in_stride, out + (size_t)c * out_stride + r, out_stride);
        }
    }
    // The edges, element by element: the last columns of every row, then the last rows.
    for (int r = 0; r < rows; r++) {
        for (int c = r < full_rows ? full_columns : 0; c < columns; c++) {
            out[(size_t)c * out_stride + r] = in[(size_t)r * in_stride + c];
        }
    }
}

#else  // not x86-64: no vectorised kernels; the engine uses its portable path.

void trufl_transpose(const float *in, int rows, int columns, size_t in_stride, float *out, size_t out_stride) {
    abort();
}
void trufl_lstm_file_gates(const float *dz, int gates, int batch, float *dz_panels, int columns, int column,
                           float *bias_sums) { abort(); }
void trufl_lstm_weight_gradient(const float *dz_panels, int columns, int gates, int c_begin, int c_end,
                                const float *src, size_t src_stride, int r_count, float *out, size_t out_stride,
                                int accumulate) { abort(); }

#endif
