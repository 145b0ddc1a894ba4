// Elementwise kernels: unary ops and their local derivatives, broadcasting binary ops, where,
// addScaled. Op codes must match OpCodes.java.
#include "common.cuh"

enum UnaryCode {
    U_NEG = 0, U_EXP = 1, U_LOG = 2, U_SQRT = 3, U_TANH = 4, U_SIGMOID = 5, U_RELU = 6, U_GELU = 7,
    U_SILU = 8, U_ABS = 9, U_SQUARE = 10, U_RECIPROCAL = 11, U_ADD_SCALAR = 12, U_MUL_SCALAR = 13,
    U_POW_SCALAR = 14
};
enum BinaryCode { B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_MAX = 4, B_MIN = 5, B_EQ = 6, B_GT = 7, B_LT = 8 };

#define GELU_C 0.7978845608028654f  // sqrt(2 / pi)
#define GELU_A 0.044715f

__device__ __forceinline__ float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

__device__ __forceinline__ float unary_apply(int op, float x, float alpha) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return expf(x);
        case U_LOG: return logf(x);
        case U_SQRT: return sqrtf(x);
        case U_TANH: return tanhf(x);
        case U_SIGMOID: return sigmoidf(x);
        case U_RELU: return x > 0.0f ? x : 0.0f;
        case U_GELU: return 0.5f * x * (1.0f + tanhf(GELU_C * (x + GELU_A * x * x * x)));
        case U_SILU: return x * sigmoidf(x);
        case U_ABS: return fabsf(x);
        case U_SQUARE: return x * x;
        case U_RECIPROCAL: return 1.0f / x;
        case U_ADD_SCALAR: return x + alpha;
        case U_MUL_SCALAR: return x * alpha;
        case U_POW_SCALAR: return powf(x, alpha);
        default: return __int_as_float(0x7fc00000);
    }
}

// d op(x) / dx
__device__ __forceinline__ float unary_derivative(int op, float x, float alpha) {
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
            return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * GELU_C * (1.0f + 3.0f * GELU_A * x * x);
        }
        case U_SILU: { float s = sigmoidf(x); return s * (1.0f + x * (1.0f - s)); }
        case U_ABS: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
        case U_SQUARE: return 2.0f * x;
        case U_RECIPROCAL: return -1.0f / (x * x);
        case U_ADD_SCALAR: return 1.0f;
        case U_MUL_SCALAR: return alpha;
        case U_POW_SCALAR: return alpha * powf(x, alpha - 1.0f);
        default: return __int_as_float(0x7fc00000);
    }
}

__device__ __forceinline__ float binary_apply(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_MAX: return nan_max(a, b);
        case B_MIN: return (isnan(a) || isnan(b)) ? __int_as_float(0x7fc00000) : fminf(a, b);
        case B_EQ: return a == b ? 1.0f : 0.0f;
        case B_GT: return a > b ? 1.0f : 0.0f;
        case B_LT: return a < b ? 1.0f : 0.0f;
        default: return __int_as_float(0x7fc00000);
    }
}

// out[i] = op(x[i]; alpha), i < n
extern "C" __global__ void unary_f32(float* out, const float* x, int n, int op, float alpha) {
    long long i = global_index();
    if (i < n) out[i] = unary_apply(op, x[i], alpha);
}

// dx[i] = dout[i] * op'(x[i]; alpha)
extern "C" __global__ void unary_backward_f32(float* dx, const float* dout, const float* x, int n, int op, float alpha) {
    long long i = global_index();
    if (i < n) dx[i] = dout[i] * unary_derivative(op, x[i], alpha);
}

// out (contiguous, n elements) = op(a, b) with a and b both contiguous over the same shape
extern "C" __global__ void binary_contiguous_f32(float* out, const float* a, const float* b, int n, int op) {
    long long i = global_index();
    if (i < n) out[i] = binary_apply(op, a[i], b[i]);
}

// General broadcasting: meta = shape[rank], aStrides[rank], bStrides[rank]
extern "C" __global__ void binary_strided_f32(float* out, const float* a, const float* b, const int* meta,
                                              int rank, int n, int op) {
    long long i = global_index();
    if (i >= n) return;
    long long rem = i, ao = 0, bo = 0;
    for (int d = rank - 1; d >= 0; --d) {
        int size = meta[d];
        long long c = rem % size;
        rem /= size;
        ao += c * meta[rank + d];
        bo += c * meta[2 * rank + d];
    }
    out[i] = binary_apply(op, a[ao], b[bo]);
}

// out[i] = mask[i] != 0 ? a[i] : b[i]
extern "C" __global__ void where_f32(float* out, const float* mask, const float* a, const float* b, int n) {
    long long i = global_index();
    if (i < n) out[i] = mask[i] != 0.0f ? a[i] : b[i];
}

// y[i] += alpha * x[i]
extern "C" __global__ void add_scaled_f32(float* y, const float* x, int n, float alpha) {
    long long i = global_index();
    if (i < n) y[i] += alpha * x[i];
}
