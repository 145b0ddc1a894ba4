// The unary ops and their local derivatives of elementwise.cu, one float at a time. Op codes must
// match OpCodes.java. The reference (ReferenceElementwise.java) is the specification, including at
// NaN, infinities and zero: RELU keeps a NaN, ABS' of a NaN is NaN, POW_SCALAR' with alpha = 0 is 0.
#pragma once
#include "hostdev.cuh"

enum UnaryCode {
    U_NEG = 0, U_EXP = 1, U_LOG = 2, U_SQRT = 3, U_TANH = 4, U_SIGMOID = 5, U_RELU = 6, U_GELU = 7,
    U_SILU = 8, U_ABS = 9, U_SQUARE = 10, U_RECIPROCAL = 11, U_ADD_SCALAR = 12, U_MUL_SCALAR = 13,
    U_POW_SCALAR = 14
};

#define GELU_C 0.7978845608028654f  // sqrt(2 / pi)
#define GELU_A 0.044715f

JDNA_HD float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

JDNA_HD float unary_apply(int op, float x, float alpha) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return expf(x);
        case U_LOG: return logf(x);
        case U_SQRT: return sqrtf(x);
        case U_TANH: return tanhf(x);
        case U_SIGMOID: return sigmoidf(x);
        case U_RELU: return x > 0.0f || jdna_isnan(x) ? x : 0.0f;
        case U_GELU: return 0.5f * x * (1.0f + tanhf(GELU_C * (x + GELU_A * x * x * x)));
        case U_SILU: return x * sigmoidf(x);
        case U_ABS: return fabsf(x);
        case U_SQUARE: return x * x;
        case U_RECIPROCAL: return 1.0f / x;
        case U_ADD_SCALAR: return x + alpha;
        case U_MUL_SCALAR: return x * alpha;
        case U_POW_SCALAR: return powf(x, alpha);
        default: return jdna_nan();
    }
}

// d op(x) / dx
JDNA_HD float unary_derivative(int op, float x, float alpha) {
    switch (op) {
        case U_NEG: return -1.0f;
        case U_EXP: return expf(x);
        case U_LOG: return 1.0f / x;
        case U_SQRT: return 0.5f / sqrtf(x);
        case U_TANH: { float t = tanhf(x); return 1.0f - t * t; }
        case U_SIGMOID: { float s = sigmoidf(x); return s * (1.0f - s); }
        case U_RELU: return x > 0.0f ? 1.0f : 0.0f;
        case U_GELU: {
            float u = GELU_C * (x + GELU_A * x * x * x);
            float t = tanhf(u);
            // x^2 capped at 1e4 (|x| = 100), as in the SIMD backend: beyond it t is +-1 exactly, so
            // 1 - t^2 = 0 and the term is 0 whatever the cap; uncapped, x^2 overflows float past
            // |x| = 1.8e19 and 0 * inf made NaN where the reference (in double) gives 1 or 0. At
            // +-inf the term stays inf * 0 = NaN, as in the reference.
            float x2 = fminf(x * x, 1e4f);
            return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * GELU_C * (1.0f + 3.0f * GELU_A * x2);
        }
        case U_SILU: { float s = sigmoidf(x); return s * (1.0f + x * (1.0f - s)); }
        // signum: a NaN stays NaN (0 would hide it from the gradient)
        case U_ABS: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : (jdna_isnan(x) ? x : 0.0f));
        case U_SQUARE: return 2.0f * x;
        case U_RECIPROCAL: return -1.0f / (x * x);
        case U_ADD_SCALAR: return 1.0f;
        case U_MUL_SCALAR: return alpha;
        // x^0 is the constant 1: its derivative is 0 everywhere, also at x = 0 where 0 * 0^-1 is NaN
        case U_POW_SCALAR: return alpha == 0.0f ? 0.0f : alpha * powf(x, alpha - 1.0f);
        default: return jdna_nan();
    }
}
