// Reductions over the middle axis of x viewed as (outer, len, inner), and the sum of squares.
// SUM accumulates in double; MAX propagates NaN and is -inf over an empty axis.
#include "common.cuh"

#define OP_SUM 0
#define OP_MAX 1

// inner == 1: one block per outer row, out (outer)
extern "C" __global__ void reduce_rows_f32(float* out, const float* x, int len, int op) {
    const float* row = x + (long long)blockIdx.x * len;
    if (op == OP_SUM) {
        double acc = 0.0;
        for (int j = threadIdx.x; j < len; j += blockDim.x) acc += row[j];
        acc = block_sum_d(acc);
        if (threadIdx.x == 0) out[blockIdx.x] = (float)acc;
    } else {
        float m = -JDNA_INF;
        for (int j = threadIdx.x; j < len; j += blockDim.x) m = nan_max(m, row[j]);
        m = block_max_f(m);
        if (threadIdx.x == 0) out[blockIdx.x] = m;
    }
}

// inner > 1: one thread per (o, i), out (outer, inner)
extern "C" __global__ void reduce_strided_f32(float* out, const float* x, int outer, int len, int inner, int op) {
    long long t = global_index();
    if (t >= (long long)outer * inner) return;
    long long o = t / inner, i = t % inner;
    const float* base = x + o * len * inner + i;
    if (op == OP_SUM) {
        double acc = 0.0;
        for (int j = 0; j < len; ++j) acc += base[(long long)j * inner];
        out[t] = (float)acc;
    } else {
        float m = -JDNA_INF;
        for (int j = 0; j < len; ++j) m = nan_max(m, base[(long long)j * inner]);
        out[t] = m;
    }
}

// partial[blockIdx.x] = sum of x[i]^2 over this block's grid-stride share (in double)
extern "C" __global__ void sum_squares_partial_f64(double* partial, const float* x, int n) {
    double acc = 0.0;
    for (long long i = global_index(); i < n; i += (long long)gridDim.x * blockDim.x) {
        double v = x[i];
        acc += v * v;
    }
    acc = block_sum_d(acc);
    if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

// out[0] = sum of partial[0, count), one block
extern "C" __global__ void sum_partials_f64(double* out, const double* partial, int count) {
    double acc = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partial[i];
    acc = block_sum_d(acc);
    if (threadIdx.x == 0) out[0] = acc;
}
