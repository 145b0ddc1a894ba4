// What a header needs to compile for the device (nvcc, inside a kernel) and for the host (a plain
// C++ compiler, in the test harness src/test/cuda/host_harness.cpp, which checks the decisions of
// these headers against the reference backend without a GPU): function qualifiers, NaN / inf and a
// NaN-propagating max.
#pragma once
#include <math.h>

#ifdef __CUDACC__
#define JDNA_HD __host__ __device__ __forceinline__
#else
#define JDNA_HD inline
#endif

JDNA_HD float jdna_nan() {
#ifdef __CUDA_ARCH__
    return __int_as_float(0x7fc00000);
#else
    return NAN;
#endif
}

JDNA_HD float jdna_inf() {
#ifdef __CUDA_ARCH__
    return __int_as_float(0x7f800000);
#else
    return INFINITY;
#endif
}

// NaN test without isnan (a macro in C, a function in C++ and CUDA): only NaN differs from itself.
JDNA_HD bool jdna_isnan(float x) { return x != x; }

// Max that propagates NaN (as Java's Math.max does; fmaxf would drop the NaN).
JDNA_HD float nan_max(float a, float b) { return jdna_isnan(a) || jdna_isnan(b) ? jdna_nan() : fmaxf(a, b); }
