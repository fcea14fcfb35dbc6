// The kernels in AVX-512 F (LSTMKernelBodies.h with Vector512.h), for TRUFL_ISA_AVX512; x86-64 only.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include "Vector512.h"
#include "LSTMKernelBodies.h"
#endif
