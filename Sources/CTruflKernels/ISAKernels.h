// What LSTMKernels.c and the kernels of both instruction sets (LSTMKernelBodies.h, compiled by
// LSTMKernelsAVX512.c and LSTMKernelsAVX2.c) share: the packed layouts, and the kernels per instruction set
// that the public `trufl_*` entries dispatch to (the same arguments, less the ISA; hidden: only the
// dispatching entries leave the library).
#ifndef TRUFL_ISA_KERNELS_H
#define TRUFL_ISA_KERNELS_H

#include <stddef.h>

// The packed layouts, for both instruction sets. Forward: panels of two units, each
// `[hidden + inputs + 1][8]` with the eight gate rows (i, f, g, o) × (unit 2p, unit 2p + 1) of the stacked
// `[W_h; W_x; bias]` side by side (zeros past the last unit); the bias is the product's last term, with the
// operand's row of ones: `acc + 1·b` is `acc + b`. Backward: panels of eight units, each `[4·hidden][8]`:
// `W_h[8p + u, k]` at `[k][u]`. The gates' gradients filed for the weights' gradient: panels of 8 gate
// rows, `[columns][8]` each.
enum { PANEL_ROWS = 8, FORWARD_UNITS = PANEL_ROWS / 4, BACKWARD_UNITS = PANEL_ROWS };

#define TRUFL_DECLARE_KERNELS(prefix)                                                                         \
    __attribute__((visibility("hidden"))) void prefix##lstm_forward_step(                                     \
        const float *packed, const float *xh, int hidden, int inputs, int batch, int zero_hidden,              \
        const float *c_prev, float *act, float *c, float *tanh_c, float *h);                                   \
    __attribute__((visibility("hidden"))) void prefix##lstm_pack_backward(const float *wh, int hidden,        \
                                                                          float *packed);                      \
    __attribute__((visibility("hidden"))) void prefix##lstm_backward_step(                                    \
        const float *packed, const float *dz_next, const float *dh_out, const float *act, const float *tanh_c, \
        const float *c_prev, float *dc, float *dz, int hidden, int batch);                                     \
    __attribute__((visibility("hidden"))) void prefix##lstm_file_gates(                                       \
        const float *dz, int gates, int batch, float *dz_panels, int columns, int column, float *bias_sums);   \
    __attribute__((visibility("hidden"))) void prefix##lstm_weight_gradient(                                  \
        const float *dz_panels, int columns, int gates, int c_begin, int c_end, const float *src,               \
        size_t src_stride, int r_count, float *out, size_t out_stride, int accumulate);                        \
    __attribute__((visibility("hidden"))) void prefix##lstm_activations(const float *x, size_t n,             \
                                                                        float *sigmoid_out, float *tanh_out);  \
    __attribute__((visibility("hidden"))) void prefix##transpose(const float *in, int rows, int columns,      \
                                                                 size_t in_stride, float *out,                 \
                                                                 size_t out_stride);

TRUFL_DECLARE_KERNELS(trufl_avx512_)
TRUFL_DECLARE_KERNELS(trufl_avx2_)

#undef TRUFL_DECLARE_KERNELS

#endif
