// Elementwise kernels: unary ops and their local derivatives (unary.cuh), broadcasting binary ops,
// where, addScaled. Op codes must match OpCodes.java.
#include "common.cuh"
#include "unary.cuh"

enum BinaryCode { B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_MAX = 4, B_MIN = 5, B_EQ = 6, B_GT = 7, B_LT = 8 };

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
