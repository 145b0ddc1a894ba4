// Cross-entropy of logits (rows, cols) against int targets; one block per row.
#include "common.cuh"

__device__ __forceinline__ float row_logsumexp(const float* xr, int cols) {
    float m = -JDNA_INF;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) m = nan_max(m, xr[j]);
    m = block_max_f(m);
    double s = 0.0;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += (double)expf(xr[j] - m);
    return (float)((double)m + log(block_sum_d(s)));
}

// losses[r] = logsumexp(x_r) - x_r[t_r], 0 where t_r == ignore
extern "C" __global__ void cross_entropy_forward_f32(float* losses, const float* logits, const int* targets,
                                                     int cols, int ignoreIndex) {
    int t = targets[blockIdx.x];
    if (t == ignoreIndex) {
        if (threadIdx.x == 0) losses[blockIdx.x] = 0.0f;
        return;
    }
    const float* xr = logits + (long long)blockIdx.x * cols;
    float lse = row_logsumexp(xr, cols);
    if (threadIdx.x == 0) losses[blockIdx.x] = lse - xr[t];
}

// dlogits[r] = dlosses[r] * (softmax(x_r) - onehot(t_r)), a zero row where ignored
extern "C" __global__ void cross_entropy_backward_f32(float* dlogits, const float* dlosses, const float* logits,
                                                      const int* targets, int cols, int ignoreIndex) {
    long long base = (long long)blockIdx.x * cols;
    int t = targets[blockIdx.x];
    if (t == ignoreIndex) {
        for (int j = threadIdx.x; j < cols; j += blockDim.x) dlogits[base + j] = 0.0f;
        return;
    }
    const float* xr = logits + base;
    float lse = row_logsumexp(xr, cols);
    float g = dlosses[blockIdx.x];
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        dlogits[base + j] = g * (expf(xr[j] - lse) - (j == t ? 1.0f : 0.0f));
    }
}
