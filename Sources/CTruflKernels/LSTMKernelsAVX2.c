// The kernels in AVX2 + FMA (LSTMKernelBodies.h with Vector256.h), for TRUFL_ISA_AVX2; x86-64 only.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include "Vector256.h"
#include "LSTMKernelBodies.h"
#endif
