// Row-wise softmax / log-softmax and their backward. One block per row of x (rows, cols); the
// per-element rules, non-finite logits included, are in softmax.cuh.
#include "common.cuh"
#include "softmax.cuh"

extern "C" __global__ void softmax_forward_f32(float* out, const float* x, int cols, int logMode) {
    long long base = (long long)blockIdx.x * cols;
    const float* xr = x + base;
    float* o = out + base;
    float m = -JDNA_INF;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) m = nan_max(m, xr[j]);
    m = block_max_f(m);
    double s = 0.0;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += (double)softmax_term(xr[j], m);
    s = block_sum_d(s);
    if (logMode) {
        float logS = (float)log(s);
        for (int j = threadIdx.x; j < cols; j += blockDim.x) o[j] = softmax_log_prob(xr[j], m, logS);
    } else {
        for (int j = threadIdx.x; j < cols; j += blockDim.x) o[j] = softmax_prob(xr[j], m, s);
    }
}

// softmax: dx = out * (dout - sum(dout * out)); log: dx = dout - exp(out) * sum(dout)
extern "C" __global__ void softmax_backward_f32(float* dx, const float* dout, const float* out, int cols, int logMode) {
    long long base = (long long)blockIdx.x * cols;
    const float* g = dout + base;
    const float* y = out + base;
    float* d = dx + base;
    double s = 0.0;
    if (logMode) {
        for (int j = threadIdx.x; j < cols; j += blockDim.x) s += g[j];
    } else {
        for (int j = threadIdx.x; j < cols; j += blockDim.x) s += (double)g[j] * y[j];
    }
    float sf = (float)block_sum_d(s);
    if (logMode) {
        for (int j = threadIdx.x; j < cols; j += blockDim.x) d[j] = g[j] - expf(y[j]) * sf;
    } else {
        for (int j = threadIdx.x; j < cols; j += blockDim.x) d[j] = y[j] * (g[j] - sf);
    }
}
