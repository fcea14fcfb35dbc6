// The fused LSTM's per-step kernels (used by Sources/Trufl/Layers/FusedLSTM.swift when `trufl_best_isa()`
// finds AVX-512 or AVX2 + FMA; otherwise the engine runs its portable path: OpenBLAS per step and the
// SIMD4 kernels of FusedLSTMKernels.swift). This file holds the public entries, which dispatch on their ISA
// argument, and what needs no vectors: the CPU check and the forward weights' packing.
//
// One arithmetic on every x86-64 CPU with AVX2 and FMA: each kernel exists in AVX-512 F
// (LSTMKernelsAVX512.c) and in AVX2 + FMA (LSTMKernelsAVX2.c), compiled from the same bodies
// (LSTMKernelBodies.h) over a vocabulary of vector helpers per instruction set (Vector512.h,
// Vector256.h), so that every output element is the same sequence of IEEE operations in both and the book
// prints the same numbers with or without AVX-512. The sets differ only in how the products' work is cut
// into passes (AVX2's 16 registers hold 12 accumulators, AVX-512's 32 hold 16 of twice the width), which
// moves no element's operations. Packing, filing and transposing only move data.
//
// Why a hand-written product: a step's recurrent product is skinny (`[4·hidden, hidden]·[hidden, batch]`
// with batch 32). Through sgemm, every call packs the whole weight again (1 MB for hidden 256), 128 times
// per forward and backward, and the gate arithmetic then makes a second pass over the step's gates. Here
// the weights are packed once per call of the layer, and each panel of the product finishes with the cell
// update (forward) or starts from the hidden state's gradient and ends with the cell's backward
// (backward), so a step's gates never leave the cache between the product and the activations.
//
// Layout (the same as the portable path's): everything is unit-major, a row of `batch` floats per unit or
// gate row; the batch runs along the lanes of a vector, 32 columns (AVX-512) or 16 (AVX2) per pass, with
// masked loads and stores for the last columns. The packed weights (ISAKernels.h) are the same for both.
//
// Numerics: the products accumulate with FMAs (so their rounding differs from sgemm's in the last bits).
// The activations evaluate the formulas of FusedLSTMKernels.swift (see there) with explicit fused
// multiply-adds in the range reduction and the polynomials, which shortens their dependency chains and
// rounds less: on a sweep of every float in [−1, 1] and steps of 1e-6 relative out to ±90, sigmoid is within
// 1.76e-7 relative of double precision (for x ≥ −87, below which it is clamped as there) and tanh within
// 1.52e-7; the same sweep gives 1.83e-7 and 1.58e-7 without fused multiply-adds. FusedLSTMTests checks both
// forms on a dense sample. Nothing else is contracted implicitly.
#include "TruflKernels.h"

#include <stdlib.h>  // abort
#include <string.h>  // memcpy

#pragma clang fp contract(off)

#include "ISAKernels.h"

size_t trufl_lstm_forward_packed_count(int hidden, int inputs) {
    size_t panels = (size_t)(hidden + FORWARD_UNITS - 1) / FORWARD_UNITS;
    return panels * (size_t)(hidden + inputs + 1) * PANEL_ROWS;
}

size_t trufl_lstm_backward_packed_count(int hidden) {
    size_t panels = (size_t)(hidden + BACKWARD_UNITS - 1) / BACKWARD_UNITS;
    return panels * 4 * (size_t)hidden * BACKWARD_UNITS;
}

#if defined(__x86_64__)
#include <cpuid.h>

trufl_isa trufl_best_isa(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return TRUFL_ISA_NONE;  // OSXSAVE: xgetbv works
    int fma = (c >> 12) & 1, avx = (c >> 28) & 1;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0x6) != 0x6 || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return TRUFL_ISA_NONE;  // SSE, AVX state
    // AVX2 and FMA for both: the compiler's `avx512f` target includes them and uses their instructions too.
    if (!avx || !fma || !((b >> 5) & 1)) return TRUFL_ISA_NONE;
    if ((lo & 0xE6) == 0xE6 && ((b >> 16) & 1)) return TRUFL_ISA_AVX512;  // opmask, ZMM state; AVX-512 F
    return TRUFL_ISA_AVX2;
}

// The entries: the kernel of `isa`, or abort() for an ISA without kernels.
#define HAS_KERNELS(isa) ((isa) == TRUFL_ISA_AVX512 || (isa) == TRUFL_ISA_AVX2)
#define DISPATCH(name, ...)                                                                                   \
    do {                                                                                                      \
        if (isa == TRUFL_ISA_AVX512) { trufl_avx512_##name(__VA_ARGS__); return; }                           \
        if (isa == TRUFL_ISA_AVX2) { trufl_avx2_##name(__VA_ARGS__); return; }                               \
        abort();                                                                                              \
    } while (0)

#else  // not x86-64: no vectorised kernels; the engine uses its portable path.

trufl_isa trufl_best_isa(void) { return TRUFL_ISA_NONE; }

#define HAS_KERNELS(isa) 0
#define DISPATCH(name, ...) abort()

#endif

void trufl_lstm_pack_forward(trufl_isa isa, const float *wh, const float *wx, const float *bias, int hidden,
                             int inputs, float *packed) {
    if (!HAS_KERNELS(isa)) abort();  // (portable C: only data moves, the same for both instruction sets)
    // Row by row of the stacked weights (each row read once, in order), into every panel: the panels'
    // current rows, 32 bytes each, stay in the L1 cache from one row to the next.
    int k_all = hidden + inputs + 1, gates = 4 * hidden, whole = hidden / FORWARD_UNITS * FORWARD_UNITS;
    for (int k = 0; k < k_all; k++) {
        const float *row = k < hidden ? wh + (size_t)k * gates
            : k < hidden + inputs ? wx + (size_t)(k - hidden) * gates : bias;
        float *to = packed + (size_t)k * PANEL_ROWS;
        for (int unit0 = 0; unit0 < hidden; unit0 += FORWARD_UNITS, to += (size_t)k_all * PANEL_ROWS) {
            for (int gate = 0; gate < 4; gate++) {
                const float *from = row + (size_t)gate * hidden + unit0;
                float *panel_row = to + gate * FORWARD_UNITS;
                if (unit0 < whole) {
                    memcpy(panel_row, from, FORWARD_UNITS * sizeof(float));
                } else {
                    for (int u = 0; u < FORWARD_UNITS; u++) panel_row[u] = unit0 + u < hidden ? from[u] : 0;
                }
            }
        }
    }
}

void trufl_lstm_forward_step(trufl_isa isa, const float *packed, const float *xh, int hidden, int inputs,
                             int batch, int zero_hidden, const float *c_prev, float *act, float *c, float *tanh_c,
                             float *h) {
    DISPATCH(lstm_forward_step, packed, xh, hidden, inputs, batch, zero_hidden, c_prev, act, c, tanh_c, h);
}

void trufl_lstm_pack_backward(trufl_isa isa, const float *wh, int hidden, float *packed) {
    DISPATCH(lstm_pack_backward, wh, hidden, packed);
}

void trufl_lstm_backward_step(trufl_isa isa, const float *packed, const float *dz_next, const float *dh_out,
                              const float *act, const float *tanh_c, const float *c_prev, float *dc, float *dz,
                              int hidden, int batch) {
    DISPATCH(lstm_backward_step, packed, dz_next, dh_out, act, tanh_c, c_prev, dc, dz, hidden, batch);
}

void trufl_lstm_file_gates(trufl_isa isa, const float *dz, int gates, int batch, float *dz_panels, int columns,
                           int column, float *bias_sums) {
    DISPATCH(lstm_file_gates, dz, gates, batch, dz_panels, columns, column, bias_sums);
}

void trufl_lstm_weight_gradient(trufl_isa isa, const float *dz_panels, int columns, int gates, int c_begin,
                                int c_end, const float *src, size_t src_stride, int r_count, float *out,
                                size_t out_stride, int accumulate) {
    DISPATCH(lstm_weight_gradient, dz_panels, columns, gates, c_begin, c_end, src, src_stride, r_count, out,
             out_stride, accumulate);
}

void trufl_lstm_activations(trufl_isa isa, const float *x, size_t n, float *sigmoid_out, float *tanh_out) {
    DISPATCH(lstm_activations, x, n, sigmoid_out, tanh_out);
}

void trufl_transpose(trufl_isa isa, const float *in, int rows, int columns, size_t in_stride, float *out,
                     size_t out_stride) {
    DISPATCH(transpose, in, rows, columns, in_stride, out, out_stride);
}
