// The engine's hand-vectorised kernels, each in two instruction sets with bit-identical results (AVX-512 F
// and AVX2 + FMA, chosen by the caller, normally `trufl_best_isa()`): see LSTMKernels.c.
#ifndef TRUFL_KERNELS_H
#define TRUFL_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction set a kernel runs in; every kernel below takes it as its first argument. Both sets
/// give the same bytes for every input (each output element is the same sequence of IEEE operations), so
/// the choice changes only the speed. Passing one this CPU lacks, or `TRUFL_ISA_NONE`, is the caller's
/// error: the kernel aborts or faults (on other architectures than x86-64 every kernel aborts).
typedef enum { TRUFL_ISA_NONE = 0, TRUFL_ISA_AVX2 = 1, TRUFL_ISA_AVX512 = 2 } trufl_isa;

/// The fastest instruction set this CPU and operating system support: `TRUFL_ISA_AVX512` with AVX-512 F and
/// the ZMM state enabled, else `TRUFL_ISA_AVX2` with AVX2, FMA and the YMM state enabled, else
/// `TRUFL_ISA_NONE` (no kernel may be called).
trufl_isa trufl_best_isa(void);

/// Packs the forward weights for `trufl_lstm_forward_step`: `wh` is `[hidden, 4·hidden]`, `wx`
/// `[inputs, 4·hidden]` (row-major, gates i, f, g, o) and `bias` `[4·hidden]`; `packed` receives
/// `trufl_lstm_forward_packed_count(hidden, inputs)` floats, the same layout for either instruction set.
size_t trufl_lstm_forward_packed_count(int hidden, int inputs);
void trufl_lstm_pack_forward(trufl_isa isa, const float *wh, const float *wx, const float *bias, int hidden,
                             int inputs, float *packed);

/// One LSTM time step, unit-major: the gates' product with `[h_{t−1}; x_t; 1]` and the cell update fused.
/// `xh` is that operand, `[hidden + inputs + 1, batch]` (`h_{t−1}ᵀ`, `x_tᵀ`, ones); `c_prev`, `c`,
/// `tanh_c` and `h` (`h_t`, not overlapping `xh`) are `[hidden, batch]`; `act` receives the activations
/// i, f, g, o as `[4·hidden, batch]`. `zero_hidden` nonzero says that `h_{t−1}` is zero (its rows are
/// skipped).
void trufl_lstm_forward_step(trufl_isa isa, const float *packed, const float *xh, int hidden, int inputs,
                             int batch, int zero_hidden, const float *c_prev, float *act, float *c, float *tanh_c,
                             float *h);

/// Packs `wh` (`[hidden, 4·hidden]`) for `trufl_lstm_backward_step`; `packed` receives
/// `trufl_lstm_backward_packed_count(hidden)` floats, the same layout for either instruction set.
size_t trufl_lstm_backward_packed_count(int hidden);
void trufl_lstm_pack_backward(trufl_isa isa, const float *wh, int hidden, float *packed);

/// One step of the LSTM's backward, unit-major, fused: the hidden state's gradient
/// `dh_t = dh_out + W_h·dz_{t+1}` (the second term only when `dz_next` is not NULL), then the cell's
/// backward. `dh_out` (the gradient of the step's output), `tanh_c`, `c_prev`, `dc` are `[hidden, batch]`;
/// `act` (the step's activations), `dz_next` and `dz` (the gates' gradient) are `[4·hidden, batch]`. `dc`
/// holds the cell's gradient on entry and the previous cell's on return.
void trufl_lstm_backward_step(trufl_isa isa, const float *packed, const float *dz_next, const float *dh_out,
                              const float *act, const float *tanh_c, const float *c_prev, float *dc, float *dz,
                              int hidden, int batch);

/// Files one step's gates' gradient `dz` (`[gates, batch]`) into `dz_panels`, all steps' gradients in panels
/// of 8 gate rows (`[⌈gates / 8⌉][columns][8]`, this step's at column `column`; 32-byte aligned), and adds
/// its rows to `bias_sums` (`[gates][16]`, lane-wise partial sums: lane L of row g adds the row's columns
/// L, L + 16, L + 32, …, for either instruction set).
void trufl_lstm_file_gates(trufl_isa isa, const float *dz, int gates, int batch, float *dz_panels, int columns,
                           int column, float *bias_sums);

/// A weight's gradient from the gates' gradients in panels (`trufl_lstm_file_gates`'s `dz_panels`,
/// `gates` rows of `columns`): `out[g, r] (+)= Σ_{c_begin ≤ c < c_end} DZ[g, c]·src[c − c_begin, r]` for
/// `r < r_count`, with `src`'s rows `src_stride` and `out`'s `out_stride` floats apart; `accumulate` 0
/// overwrites `out`.
void trufl_lstm_weight_gradient(trufl_isa isa, const float *dz_panels, int columns, int gates, int c_begin,
                                int c_end, const float *src, size_t src_stride, int r_count, float *out,
                                size_t out_stride, int accumulate);

/// The kernels' sigmoid and tanh of `n` values (for tests of their accuracy).
void trufl_lstm_activations(trufl_isa isa, const float *x, size_t n, float *sigmoid_out, float *tanh_out);

/// `out[c, r] = in[r, c]` for an `[rows, columns]` matrix; rows are `in_stride` and `out_stride` floats apart.
void trufl_transpose(trufl_isa isa, const float *in, int rows, int columns, size_t in_stride, float *out,
                     size_t out_stride);

#ifdef __cplusplus
}
#endif

#endif
