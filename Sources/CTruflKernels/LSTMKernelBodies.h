// The kernels' bodies, written once for both instruction sets: LSTMKernelsAVX512.c includes this after
// Vector512.h, LSTMKernelsAVX2.c after Vector256.h; each defines the vector type `V` (LANES floats), its
// helpers and the names `ISA_NAME(name)` (e.g. trufl_avx2_lstm_forward_step), which LSTMKernels.c's
// `trufl_*` entries dispatch to. (A header, without an include guard: SwiftPM compiles every .c of the
// target on its own, and warns about files of types it does not know, such as .inc.)
//
// Bit-identical outputs for every input, by construction: each output element is the same sequence of IEEE
// operations in both instruction sets. Vectors only decide how many elements go side by side, and the two
// sets differ only in how a product's work is cut up (the vector headers' GROUP_PANELS, PASS_ROWS,
// PASS_VECTORS, WEIGHT_BLOCK): every accumulator still starts from the same value and adds the same terms
// in the same order of k, whichever pass holds it and however often it goes through memory. The
// activations, the cell updates and the bias's 16 partial sums (lane L of row g sums columns L, L + 16, …)
// are spelled out below once. Only data moves otherwise (packing, filing, transposing).

#pragma clang fp contract(off)  // each rounding is written out: only explicit fmadd/fnmadd fuse

#include "ISAKernels.h"

enum {
    GROUP_ROWS = GROUP_PANELS * PANEL_ROWS,  // a group's rows: the products' unit of work
    PASS_COLUMNS = PASS_VECTORS * LANES,
};

// The product all the kernels share, per group of up to GROUP_PANELS panels (`[k][8]` each, `panel_stride`
// floats apart; the group's row R is row R % 8 of panel R / 8) and PASS_COLUMNS columns of `b` (rows
// `stride` apart): `z[R][vector] += Σ_k w[k][R]·b[k][columns]` for the group's `rows`, one fused
// multiply-add per k, k ascending. A pass holds PASS_ROWS rows' accumulators in registers (SHORT_PASS_ROWS
// for the rest of a group of fewer panels; a pass may straddle two panels); `z`, where a pass starts and
// ends, stays in registers too where one pass covers the group (AVX-512). `full`, a constant where it is
// inlined, drops the masks.

INLINE void pass_product(const float *w, size_t panel_stride, int row0, int rows, const float *b, size_t stride,
                         int k_count, const M m[PASS_VECTORS], int full, V z[][PASS_VECTORS]) {
    const float *row[PASS_ROWS];
    V acc[PASS_ROWS][PASS_VECTORS];
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        int at = row0 + r;
        row[r] = w + (size_t)(at / PANEL_ROWS) * panel_stride + at % PANEL_ROWS;
#pragma clang loop unroll(full)
        for (int v = 0; v < PASS_VECTORS; v++) acc[r][v] = z[at][v];
    }
    for (size_t k = 0; k < (size_t)k_count; k++, b += stride) {
        V bv[PASS_VECTORS];
#pragma clang loop unroll(full)
        for (int v = 0; v < PASS_VECTORS; v++) {
            bv[v] = full ? load_all(b + v * LANES) : load_masked(b + v * LANES, m[v]);
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            V wr = splat(row[r][k * PANEL_ROWS]);
#pragma clang loop unroll(full)
            for (int v = 0; v < PASS_VECTORS; v++) acc[r][v] = fmadd(wr, bv[v], acc[r][v]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
#pragma clang loop unroll(full)
        for (int v = 0; v < PASS_VECTORS; v++) z[row0 + r][v] = acc[r][v];
    }
}

INLINE void group_passes(const float *w, size_t panel_stride, int rows, const float *b, size_t stride, int k_count,
                         const M m[PASS_VECTORS], int full, V z[GROUP_ROWS][PASS_VECTORS]) {
    if (GROUP_ROWS == PASS_ROWS) {
        pass_product(w, panel_stride, 0, PASS_ROWS, b, stride, k_count, m, full, z);
        return;
    }
    for (int row0 = 0; row0 < rows;) {  // 24 rows: 6 + 6 + 6 + 6; 16: 6 + 6 + 4; 8: 4 + 4
        int left = rows - row0;
        if (left % PASS_ROWS == 0 || left > PANEL_ROWS) {
            pass_product(w, panel_stride, row0, PASS_ROWS, b, stride, k_count, m, full, z);
            row0 += PASS_ROWS;
        } else {
            pass_product(w, panel_stride, row0, SHORT_PASS_ROWS, b, stride, k_count, m, full, z);
            row0 += SHORT_PASS_ROWS;
        }
    }
}

INLINE void group_product(const float *w, size_t panel_stride, int rows, const float *b, size_t stride, int k_count,
                          int full, const M m[PASS_VECTORS], V z[GROUP_ROWS][PASS_VECTORS]) {
    if (full) {
        group_passes(w, panel_stride, rows, b, stride, k_count, m, 1, z);
    } else {
        group_passes(w, panel_stride, rows, b, stride, k_count, m, 0, z);
    }
}

// The activations of FusedLSTMKernels.swift, LANES at a time (see LSTMKernels.c for their accuracy).

/// `eˣ` for `x ≤ 0`; `x < −87` is treated as −87.
KERNEL V exp_non_positive(V x0) {
    V x = max_(splat(-87), x0);  // (a NaN stays NaN: vmaxps returns its second operand then)
    const float magic = 12582912.0f;  // 1.5 · 2²³: adding it rounds to an integer kept in the low bits
    V rounded = fmadd(x, splat(1.44269504f), splat(magic));
    V n = rounded - splat(magic);
    V r = fnmadd(n, splat(1.428606765330187e-06f), fnmadd(n, splat(0.693145751953125f), x));
    V p = splat(1.0f / 5040);
    p = fmadd(p, r, splat(1.0f / 720));
    p = fmadd(p, r, splat(1.0f / 120));
    p = fmadd(p, r, splat(1.0f / 24));
    p = fmadd(p, r, splat(1.0f / 6));
    p = fmadd(p, r, splat(0.5f));
    p = fmadd(p, r, splat(1));
    p = fmadd(p, r, splat(1));
    return times_power_of_two(p, n, rounded);  // p·2ⁿ, exactly (n ≥ −126: no subnormals)
}

KERNEL V sigmoid(V x) {
    V e = exp_non_positive(minus_abs(x));
    V numerator = choose(less(x, splat(0)), e, splat(1));
    return numerator / (splat(1) + e);
}

KERNEL V tanh_(V x) {
    V a = abs_(x);
    V e = exp_non_positive(splat(-2) * a);
    V far = splat(1) - (splat(2) * e) / (splat(1) + e);
    V x2 = x * x;
    V p = splat(-0.00023912911424355248f);
    p = fmadd(p, x2, splat(0.000590027440945586f));
    p = fmadd(p, x2, splat(-0.0014558343870513183f));
    p = fmadd(p, x2, splat(0.003592128036572481f));
    p = fmadd(p, x2, splat(-0.008863235529902197f));
    p = fmadd(p, x2, splat(0.021869488536155203f));
    p = fmadd(p, x2, splat(-0.05396825396825397f));
    p = fmadd(p, x2, splat(0.13333333333333333f));
    p = fmadd(p, x2, splat(-0.3333333333333333f));
    V near = fmadd(x * x2, p, x);
    V signed_far = choose(less(x, splat(0)), -far, far);
    return choose(less(a, splat(0.625f)), near, signed_far);
}

ENTRY void ISA_NAME(lstm_activations)(const float *x, size_t n, float *sigmoid_out, float *tanh_out) {
    for (size_t i = 0; i < n; i += LANES) {
        M m = lanes(0, n - i < LANES ? (int)(n - i) : LANES);
        V v = load(x + i, m);
        store(sigmoid_out + i, sigmoid(v), m);
        store(tanh_out + i, tanh_(v), m);
    }
}

// Forward (the packed layout: ISAKernels.h). Per group of panels (two units each) and PASS_COLUMNS columns:
// the gates' product, then each unit's cell update.

ENTRY void ISA_NAME(lstm_forward_step)(const float *packed, const float *xh, int hidden, int inputs, int batch,
                                       int zero_hidden, const float *c_prev, float *act, float *c, float *tanh_c,
                                       float *h) {
    int k_all = hidden + inputs + 1, k0 = zero_hidden ? hidden : 0;  // zero rows contribute nothing
    size_t gate = (size_t)hidden * batch, panel_stride = (size_t)k_all * PANEL_ROWS;
    for (int unit0 = 0; unit0 < hidden; unit0 += GROUP_PANELS * FORWARD_UNITS) {
        const float *w = packed + (size_t)(unit0 / FORWARD_UNITS) * panel_stride + (size_t)k0 * PANEL_ROWS;
        int units = hidden - unit0 < GROUP_PANELS * FORWARD_UNITS ? hidden - unit0 : GROUP_PANELS * FORWARD_UNITS;
        int rows = (units + FORWARD_UNITS - 1) / FORWARD_UNITS * PANEL_ROWS;
        for (int col = 0; col < batch; col += PASS_COLUMNS) {
            M m[PASS_VECTORS];
            V z[GROUP_ROWS][PASS_VECTORS];
#pragma clang loop unroll(full)
            for (int v = 0; v < PASS_VECTORS; v++) m[v] = lanes(col + v * LANES, batch);
#pragma clang loop unroll(full)
            for (int r = 0; r < GROUP_ROWS; r++) {
#pragma clang loop unroll(full)
                for (int v = 0; v < PASS_VECTORS; v++) z[r][v] = zero();
            }
            group_product(w, panel_stride, rows, xh + (size_t)k0 * batch + col, batch, k_all - k0,
                          col + PASS_COLUMNS <= batch, m, z);
            // The cell update for each unit, as FusedLSTMKernels.cell; the vectors side by side, so that
            // their (long, serial) chains of activations interleave. Lanes past the batch compute garbage
            // that is never stored.
            for (int u = 0; u < units; u++) {
                size_t at = (size_t)(unit0 + u) * batch + col;
                int zi = u / FORWARD_UNITS * PANEL_ROWS + u % FORWARD_UNITS;  // gate q's row: zi + q·FORWARD_UNITS
                V i[PASS_VECTORS], f[PASS_VECTORS], g[PASS_VECTORS], o[PASS_VECTORS];
                V cv[PASS_VECTORS], tc[PASS_VECTORS];
#pragma clang loop unroll(full)
                for (int v = 0; v < PASS_VECTORS; v++) {
                    i[v] = sigmoid(z[zi + 0 * FORWARD_UNITS][v]);
                    f[v] = sigmoid(z[zi + 1 * FORWARD_UNITS][v]);
                    g[v] = tanh_(z[zi + 2 * FORWARD_UNITS][v]);
                    o[v] = sigmoid(z[zi + 3 * FORWARD_UNITS][v]);
                }
#pragma clang loop unroll(full)
                for (int v = 0; v < PASS_VECTORS; v++) {
                    cv[v] = fmadd(f[v], load(c_prev + at + v * LANES, m[v]), i[v] * g[v]);
                    tc[v] = tanh_(cv[v]);
                }
#pragma clang loop unroll(full)
                for (int v = 0; v < PASS_VECTORS; v++) {
                    M mv = m[v];
                    size_t av = at + v * LANES;
                    store(act + av, i[v], mv);
                    store(act + gate + av, f[v], mv);
                    store(act + 2 * gate + av, g[v], mv);
                    store(act + 3 * gate + av, o[v], mv);
                    store(c + av, cv[v], mv);
                    store(tanh_c + av, tc[v], mv);
                    store(h + av, o[v] * tc[v], mv);
                }
            }
        }
    }
}

// Backward (the packed layout: ISAKernels.h). Per group of panels (eight units each) and PASS_COLUMNS
// columns: the hidden state's gradient, then each unit's cell backward.

ENTRY void ISA_NAME(lstm_pack_backward)(const float *wh, int hidden, float *packed) {
    int gates = 4 * hidden;
    for (int unit0 = 0; unit0 < hidden; unit0 += BACKWARD_UNITS, packed += (size_t)gates * BACKWARD_UNITS) {
        int k = 0;
        if (hidden - unit0 >= BACKWARD_UNITS) {  // eight whole rows: FILE_COLUMNS columns at a time in registers
            for (; k + FILE_COLUMNS <= gates; k += FILE_COLUMNS) {
                file_tile(wh + (size_t)unit0 * gates + k, gates, packed + (size_t)k * BACKWARD_UNITS, 0);
            }
        }
        for (; k < gates; k++) {
            for (int u = 0; u < BACKWARD_UNITS; u++) {
                int unit = unit0 + u;
                packed[(size_t)k * BACKWARD_UNITS + u] = unit < hidden ? wh[(size_t)unit * gates + k] : 0;
            }
        }
    }
}

ENTRY void ISA_NAME(lstm_backward_step)(const float *packed, const float *dz_next, const float *dh_out,
                                        const float *act, const float *tanh_c, const float *c_prev, float *dc,
                                        float *dz, int hidden, int batch) {
    int gates = 4 * hidden;
    size_t gate = (size_t)hidden * batch, panel_stride = (size_t)gates * PANEL_ROWS;
    for (int unit0 = 0; unit0 < hidden; unit0 += GROUP_ROWS) {
        const float *w = packed + (size_t)(unit0 / BACKWARD_UNITS) * panel_stride;
        int units = hidden - unit0 < GROUP_ROWS ? hidden - unit0 : GROUP_ROWS;
        int rows = (units + PANEL_ROWS - 1) / PANEL_ROWS * PANEL_ROWS;
        for (int col = 0; col < batch; col += PASS_COLUMNS) {
            M m[PASS_VECTORS];
            V z[GROUP_ROWS][PASS_VECTORS];
#pragma clang loop unroll(full)
            for (int v = 0; v < PASS_VECTORS; v++) m[v] = lanes(col + v * LANES, batch);
#pragma clang loop unroll(full)
            for (int u = 0; u < GROUP_ROWS; u++) {
                const float *row = dh_out + (size_t)(unit0 + (u < units ? u : 0)) * batch + col;
#pragma clang loop unroll(full)
                for (int v = 0; v < PASS_VECTORS; v++) z[u][v] = load(row + v * LANES, lanes_if(m[v], u < units));
            }
            if (dz_next) {
                group_product(w, panel_stride, rows, dz_next + col, batch, gates, col + PASS_COLUMNS <= batch, m, z);
            }
            // The cell's backward for each unit and vector, as FusedLSTMKernels.cellBackward.
            for (int u = 0; u < units; u++) {
#pragma clang loop unroll(full)
                for (int v = 0; v < PASS_VECTORS; v++) {
                    if (col + v * LANES >= batch) continue;
                    M mv = m[v];
                    size_t at = (size_t)(unit0 + u) * batch + col + v * LANES;
                    V dh = z[u][v];
                    V i = load(act + at, mv), f = load(act + gate + at, mv);
                    V g = load(act + 2 * gate + at, mv), o = load(act + 3 * gate + at, mv);
                    V tc = load(tanh_c + at, mv), cp = load(c_prev + at, mv), dcv = load(dc + at, mv);
                    V one = splat(1);
                    V dc_total = dcv + dh * o * (one - tc * tc);
                    store(dz + 3 * gate + at, dh * tc * (o * (one - o)), mv);
                    store(dz + at, dc_total * g * (i * (one - i)), mv);
                    store(dz + gate + at, dc_total * cp * (f * (one - f)), mv);
                    store(dz + 2 * gate + at, dc_total * i * (one - g * g), mv);
                    store(dc + at, dc_total * f, mv);
                }
            }
        }
    }
}

// Filing a step's gates' gradient for the weights' gradient: 8 gate rows × FILE_COLUMNS columns at a time,
// turned into rows of 8 in registers (`file_tile`), and the bias's sums, 16 partial sums per gate row
// whatever LANES is (lane L of a row's sums adds columns L, L + 16, L + 32, …, +0 past the batch). The
// panels (8 MB for the benchmark) are written with non-temporal stores: they are read back only after the
// whole backward loop, from memory either way, and streaming them skips reading each line in before it is
// overwritten (measured: 0.4 ms instead of 0.6–1 ms for the 64 steps).

enum { SUM_VECTORS = 16 / LANES };

ENTRY void ISA_NAME(lstm_file_gates)(const float *dz, int gates, int batch, float *dz_panels, int columns,
                                     int column, float *bias_sums) {
    for (int g0 = 0; g0 < gates; g0 += PANEL_ROWS) {
        int rows = gates - g0 < PANEL_ROWS ? gates - g0 : PANEL_ROWS;
        float *panel = dz_panels + (size_t)g0 * columns + (size_t)column * PANEL_ROWS;
        for (int r = 0; r < rows; r++) {
            const float *row = dz + (size_t)(g0 + r) * batch;
            float *sums = bias_sums + (size_t)(g0 + r) * 16;
            V sum[SUM_VECTORS];
#pragma clang loop unroll(full)
            for (int v = 0; v < SUM_VECTORS; v++) sum[v] = load_all(sums + v * LANES);
            for (int col = 0; col < batch; col += 16) {
#pragma clang loop unroll(full)
                for (int v = 0; v < SUM_VECTORS; v++) {
                    sum[v] = sum[v] + load(row + col + v * LANES, lanes(col + v * LANES, batch));
                }
            }
#pragma clang loop unroll(full)
            for (int v = 0; v < SUM_VECTORS; v++) store_all(sums + v * LANES, sum[v]);
        }
        int col = 0;
        if (rows == PANEL_ROWS) {
            for (; col + FILE_COLUMNS <= batch; col += FILE_COLUMNS) {
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
// `out[g, r] (+)= Σ_c DZ[g, c] · src[c − c_begin, r]`: per group of panels and PASS_COLUMNS columns of
// `src`, the product over the columns c, in blocks of WEIGHT_BLOCK columns (see the vector headers). Blocks
// change no rounding: an accumulator goes through `out` unchanged from one block to the next.

ENTRY void ISA_NAME(lstm_weight_gradient)(const float *dz_panels, int columns, int gates, int c_begin, int c_end,
                                          const float *src, size_t src_stride, int r_count, float *out,
                                          size_t out_stride, int accumulate) {
    size_t panel_stride = (size_t)columns * PANEL_ROWS;
    for (int block = c_begin; block < c_end; block += WEIGHT_BLOCK) {
        int count = c_end - block < WEIGHT_BLOCK ? c_end - block : WEIGHT_BLOCK;
        int fresh = block == c_begin && !accumulate;
        for (int g0 = 0; g0 < gates; g0 += GROUP_ROWS) {
            const float *w = dz_panels + (size_t)g0 * columns + (size_t)block * PANEL_ROWS;
            int rows = gates - g0 < GROUP_ROWS ? gates - g0 : GROUP_ROWS;  // the panels' rows are padded to 8
            for (int r0 = 0; r0 < r_count; r0 += PASS_COLUMNS) {
                M m[PASS_VECTORS];
                V z[GROUP_ROWS][PASS_VECTORS];
#pragma clang loop unroll(full)
                for (int v = 0; v < PASS_VECTORS; v++) m[v] = lanes(r0 + v * LANES, r_count);
#pragma clang loop unroll(full)
                for (int g = 0; g < GROUP_ROWS; g++) {
                    float *o = out + (size_t)(g0 + (g < rows ? g : 0)) * out_stride + r0;
#pragma clang loop unroll(full)
                    for (int v = 0; v < PASS_VECTORS; v++) {
                        z[g][v] = load(o + v * LANES, lanes_if(m[v], !fresh && g < rows));
                    }
                }
                group_product(w, panel_stride, (rows + PANEL_ROWS - 1) / PANEL_ROWS * PANEL_ROWS,
                              src + (size_t)(block - c_begin) * src_stride + r0, src_stride, count,
                              r0 + PASS_COLUMNS <= r_count, m, z);
                for (int g = 0; g < rows; g++) {
                    float *o = out + (size_t)(g0 + g) * out_stride + r0;
#pragma clang loop unroll(full)
                    for (int v = 0; v < PASS_VECTORS; v++) store(o + v * LANES, z[g][v], m[v]);
                }
            }
        }
    }
}

ENTRY void ISA_NAME(transpose)(const float *in, int rows, int columns, size_t in_stride, float *out,
                               size_t out_stride) {
    int full_rows = rows / TILE * TILE, full_columns = columns / TILE * TILE;
    for (int r = 0; r < full_rows; r += TILE) {
        for (int c = 0; c < full_columns; c += TILE) {
            transpose_tile(in + (size_t)r * in_stride + c, in_stride, out + (size_t)c * out_stride + r, out_stride);
        }
    }
    // The edges, element by element: the last columns of every row, then the last rows.
    for (int r = 0; r < rows; r++) {
        for (int c = r < full_rows ? full_columns : 0; c < columns; c++) {
            out[(size_t)c * out_stride + r] = in[(size_t)r * in_stride + c];
        }
    }
}
