// The fused LSTM's per-step kernels in AVX-512 (used by Sources/Trufl/Layers/FusedLSTM.swift when
// `trufl_lstm_avx512_available()`; otherwise the engine runs its portable path: OpenBLAS per step and the
// SIMD4 kernels of FusedLSTMKernels.swift).
//
// Why a hand-written product: a step's recurrent product is skinny (`[4·hidden, hidden]·[hidden, batch]`
// with batch 32). Through sgemm, every call packs the whole weight again (1 MB for hidden 256), 128 times
// per forward and backward, and the gate arithmetic then makes a second pass over the step's gates. Here
// the weights are packed once per call of the layer, and each panel of the product finishes in registers
// with the cell update (forward) or starts from the hidden state's gradient and ends with the cell's
// backward (backward), so a step's gates never leave the cache between the product and the activations.
//
// Layout (the same as the portable path's): everything is unit-major, a row of `batch` floats per unit or
// gate row; the batch runs along the 16 lanes of a vector, 32 columns (two vectors) per pass, with masked
// loads and stores for the last columns.
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

#if defined(__x86_64__)
#include <cpuid.h>
#include "Vector.h"

int trufl_lstm_avx512_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;  // OSXSAVE: xgetbv is usable
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6) != 0xE6) return 0;  // the OS saves the SSE, AVX, opmask and all ZMM state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 16) & 1;  // AVX-512 F
}

// The activations of FusedLSTMKernels.swift, sixteen lanes at a time (see there for the accuracy).

/// `eˣ` for `x ≤ 0`; `x < −87` is treated as −87.
KERNEL V exp_non_positive(V x0) {
    V x = _mm512_max_ps(splat(-87), x0);  // (a NaN stays NaN: vmaxps returns its second operand then)
    const float magic = 12582912.0f;  // 1.5 · 2²³: adding it rounds to an integer kept in the low bits
    V n = _mm512_fmadd_ps(x, splat(1.44269504f), splat(magic)) - splat(magic);
    V r = _mm512_fnmadd_ps(n, splat(1.428606765330187e-06f), _mm512_fnmadd_ps(n, splat(0.693145751953125f), x));
    V p = splat(1.0f / 5040);
    p = _mm512_fmadd_ps(p, r, splat(1.0f / 720));
    p = _mm512_fmadd_ps(p, r, splat(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, splat(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, splat(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, splat(0.5f));
    p = _mm512_fmadd_ps(p, r, splat(1));
    p = _mm512_fmadd_ps(p, r, splat(1));
    return _mm512_scalef_ps(p, n);  // p·2ⁿ, exactly (n ≥ −126: no subnormals)
}

KERNEL V sigmoid(V x) {
    V minus_abs = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000)));
    V e = exp_non_positive(minus_abs);
    V numerator = choose(_mm512_cmp_ps_mask(x, splat(0), _CMP_LT_OQ), e, splat(1));
    return numerator / (splat(1) + e);
}

KERNEL V tanh_(V x) {
    V a = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7FFFFFFF)));
    V e = exp_non_positive(splat(-2) * a);
    V far = splat(1) - (splat(2) * e) / (splat(1) + e);
    V x2 = x * x;
    V p = splat(-0.00023912911424355248f);
    p = _mm512_fmadd_ps(p, x2, splat(0.000590027440945586f));
    p = _mm512_fmadd_ps(p, x2, splat(-0.0014558343870513183f));
    p = _mm512_fmadd_ps(p, x2, splat(0.003592128036572481f));
    p = _mm512_fmadd_ps(p, x2, splat(-0.008863235529902197f));
    p = _mm512_fmadd_ps(p, x2, splat(0.021869488536155203f));
    p = _mm512_fmadd_ps(p, x2, splat(-0.05396825396825397f));
    p = _mm512_fmadd_ps(p, x2, splat(0.13333333333333333f));
    p = _mm512_fmadd_ps(p, x2, splat(-0.3333333333333333f));
    V near = _mm512_fmadd_ps(x * x2, p, x);
    V signed_far = choose(_mm512_cmp_ps_mask(x, splat(0), _CMP_LT_OQ), -far, far);
    return choose(_mm512_cmp_ps_mask(a, splat(0.625f), _CMP_LT_OQ), near, signed_far);
}

ENTRY void trufl_lstm_activations(const float *x, size_t n, float *sigmoid_out, float *tanh_out) {
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = lanes(0, n - i < 16 ? (int)(n - i) : 16);
        V v = load16(x + i, m);
        store16(sigmoid_out + i, sigmoid(v), m);
        store16(tanh_out + i, tanh_(v), m);
    }
}

// Forward. Packed weights: panels of two units, each `[hidden + inputs + 1][8]` with the eight gate rows
// (i, f, g, o) × (unit 2p, unit 2p + 1) of the stacked `[W_h; W_x; bias]` side by side (zeros past the last
// unit). The bias is the product's last term, with the operand's row of ones: `acc + 1·b` is `acc + b`.

enum { FORWARD_UNITS = PANEL_ROWS / 4, FORWARD_ROWS = PANEL_ROWS, BACKWARD_UNITS = PANEL_ROWS };

size_t trufl_lstm_forward_packed_count(int hidden, int inputs) {
    size_t panels = (size_t)(hidden + FORWARD_UNITS - 1) / FORWARD_UNITS;
    return panels * (size_t)(hidden + inputs + 1) * FORWARD_ROWS;
}

void trufl_lstm_pack_forward(const float *wh, const float *wx, const float *bias, int hidden, int inputs,
                             float *packed) {
    // Row by row of the stacked weights (each row read once, in order), into every panel: the panels'
    // current rows, 32 bytes each, stay in the L1 cache from one row to the next.
    int k_all = hidden + inputs + 1, gates = 4 * hidden, whole = hidden / FORWARD_UNITS * FORWARD_UNITS;
    for (int k = 0; k < k_all; k++) {
        const float *row = k < hidden ? wh + (size_t)k * gates
            : k < hidden + inputs ? wx + (size_t)(k - hidden) * gates : bias;
        float *to = packed + (size_t)k * FORWARD_ROWS;
        for (int unit0 = 0; unit0 < hidden; unit0 += FORWARD_UNITS, to += (size_t)k_all * FORWARD_ROWS) {
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

ENTRY void trufl_lstm_forward_step(const float *packed, const float *xh, int hidden, int inputs, int batch,
                                   int zero_hidden, const float *c_prev, float *act, float *c, float *tanh_c,
                                   float *h) {
    int k_all = hidden + inputs + 1, k0 = zero_hidden ? hidden : 0;  // zero rows contribute nothing
    for (int unit0 = 0; unit0 < hidden; unit0 += FORWARD_UNITS) {
        const float *w = packed + (size_t)(unit0 / FORWARD_UNITS) * k_all * FORWARD_ROWS;
        int units = hidden - unit0 < FORWARD_UNITS ? hidden - unit0 : FORWARD_UNITS;
        for (int col = 0; col < batch; col += 32) {
            __mmask16 m[2] = {lanes(col, batch), lanes(col + 16, batch)};
            V acc[FORWARD_ROWS][2];
#pragma clang loop unroll(full)
            for (int r = 0; r < FORWARD_ROWS; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
            product(w + k0 * FORWARD_ROWS, xh + (size_t)k0 * batch + col, batch, k_all - k0, m[0], m[1], acc);
            // The cell update for each unit, as FusedLSTMKernels.cell; both halves side by side, so that
            // their (long, serial) chains of activations interleave. Lanes past the batch compute garbage
            // that is never stored.
            size_t gate = (size_t)hidden * batch;
            for (int u = 0; u < units; u++) {
                int j = unit0 + u;
                size_t at = (size_t)j * batch + col;
                V i[2], f[2], g[2], o[2], cv[2], tc[2];
#pragma clang loop unroll(full)
                for (int half = 0; half < 2; half++) {
                    i[half] = sigmoid(acc[0 * FORWARD_UNITS + u][half]);
                    f[half] = sigmoid(acc[1 * FORWARD_UNITS + u][half]);
                    g[half] = tanh_(acc[2 * FORWARD_UNITS + u][half]);
                    o[half] = sigmoid(acc[3 * FORWARD_UNITS + u][half]);
                }
#pragma clang loop unroll(full)
                for (int half = 0; half < 2; half++) {
                    cv[half] = _mm512_fmadd_ps(f[half], load16(c_prev + at + 16 * half, m[half]), i[half] * g[half]);
                    tc[half] = tanh_(cv[half]);
                }
#pragma clang loop unroll(full)
                for (int half = 0; half < 2; half++) {
                    __mmask16 mh = m[half];
                    size_t ah = at + 16 * half;
                    store16(act + ah, i[half], mh);
                    store16(act + gate + ah, f[half], mh);
                    store16(act + 2 * gate + ah, g[half], mh);
                    store16(act + 3 * gate + ah, o[half], mh);
                    store16(c + ah, cv[half], mh);
                    store16(tanh_c + ah, tc[half], mh);
                    store16(h + ah, o[half] * tc[half], mh);
                }
            }
        }
    }
}

// Backward. Packed weights: panels of eight units, each `[4·hidden][8]`: `W_h[8p + u, k]` at `[k][u]`.

size_t trufl_lstm_backward_packed_count(int hidden) {
    size_t panels = (size_t)(hidden + BACKWARD_UNITS - 1) / BACKWARD_UNITS;
    return panels * 4 * (size_t)hidden * BACKWARD_UNITS;
}

ENTRY void trufl_lstm_pack_backward(const float *wh, int hidden, float *packed) {
    int gates = 4 * hidden;
    for (int unit0 = 0; unit0 < hidden; unit0 += BACKWARD_UNITS, packed += (size_t)gates * BACKWARD_UNITS) {
        int k = 0;
        if (hidden - unit0 >= BACKWARD_UNITS) {  // eight whole rows: 16 columns at a time in registers
            for (; k + 16 <= gates; k += 16) file_tile(wh + (size_t)unit0 * gates + k, gates, packed + k * 8, 0);
        }
        for (; k < gates; k++) {
            for (int u = 0; u < BACKWARD_UNITS; u++) {
                int unit = unit0 + u;
                packed[k * BACKWARD_UNITS + u] = unit < hidden ? wh[(size_t)unit * gates + k] : 0;
            }
        }
    }
}

ENTRY void trufl_lstm_backward_step(const float *packed, const float *dz_next, const float *dh_out,
                                    const float *act, const float *tanh_c, const float *c_prev, float *dc,
                                    float *dz, int hidden, int batch) {
    int gates = 4 * hidden;
    size_t gate = (size_t)hidden * batch;
    for (int unit0 = 0; unit0 < hidden; unit0 += BACKWARD_UNITS) {
        const float *w = packed + (size_t)(unit0 / BACKWARD_UNITS) * gates * BACKWARD_UNITS;
        int units = hidden - unit0 < BACKWARD_UNITS ? hidden - unit0 : BACKWARD_UNITS;
        for (int col = 0; col < batch; col += 32) {
            __mmask16 m[2] = {lanes(col, batch), lanes(col + 16, batch)};
            V acc[BACKWARD_UNITS][2];
#pragma clang loop unroll(full)
            for (int u = 0; u < BACKWARD_UNITS; u++) {
                __mmask16 valid = u < units ? 0xFFFF : 0;
                const float *row = dh_out + (size_t)(unit0 + (u < units ? u : 0)) * batch + col;
                acc[u][0] = load16(row, m[0] & valid);
                acc[u][1] = load16(row + 16, m[1] & valid);
            }
            if (dz_next) product(w, dz_next + col, batch, gates, m[0], m[1], acc);
            // The cell's backward for each unit and half, as FusedLSTMKernels.cellBackward.
            for (int u = 0; u < units; u++) {
#pragma clang loop unroll(full)
                for (int half = 0; half < 2; half++) {
                    __mmask16 mh = m[half];
                    if (!mh) continue;
                    size_t at = (size_t)(unit0 + u) * batch + col + 16 * half;
                    V dh = acc[u][half];
                    V i = load16(act + at, mh), f = load16(act + gate + at, mh);
                    V g = load16(act + 2 * gate + at, mh), o = load16(act + 3 * gate + at, mh);
                    V tc = load16(tanh_c + at, mh), cp = load16(c_prev + at, mh), dcv = load16(dc + at, mh);
                    V one = splat(1);
                    V dc_total = dcv + dh * o * (one - tc * tc);
                    store16(dz + 3 * gate + at, dh * tc * (o * (one - o)), mh);
                    store16(dz + at, dc_total * g * (i * (one - i)), mh);
                    store16(dz + gate + at, dc_total * cp * (f * (one - f)), mh);
                    store16(dz + 2 * gate + at, dc_total * i * (one - g * g), mh);
                    store16(dc + at, dc_total * f, mh);
                }
            }
        }
    }
}

#else  // not x86-64: no vectorised kernels; the engine uses its portable path.

int trufl_lstm_avx512_available(void) { return 0; }
size_t trufl_lstm_forward_packed_count(int hidden, int inputs) { (void)hidden; (void)inputs; return 0; }
void trufl_lstm_pack_forward(const float *wh, const float *wx, const float *bias, int hidden, int inputs,
                             float *packed) { abort(); }
void trufl_lstm_forward_step(const float *packed, const float *xh, int hidden, int inputs, int batch,
                             int zero_hidden, const float *c_prev, float *act, float *c, float *tanh_c,
                             float *h) { abort(); }
void trufl_lstm_activations(const float *x, size_t n, float *sigmoid_out, float *tanh_out) { abort(); }
size_t trufl_lstm_backward_packed_count(int hidden) { (void)hidden; return 0; }
void trufl_lstm_pack_backward(const float *wh, int hidden, float *packed) { abort(); }
void trufl_lstm_backward_step(const float *packed, const float *dz_next, const float *dh_out,
                              const float *act, const float *tanh_c, const float *c_prev, float *dc, float *dz,
                              int hidden, int batch) { abort(); }

#endif
