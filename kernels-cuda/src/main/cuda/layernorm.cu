// LayerNorm and RMSNorm over the last axis of x (rows, cols), forward and backward.
// Row kernels: one block per row. Weight-gradient kernels: one thread per column, summing rows in
// order (deterministic, no atomics). w and b may be null (no affine).
#include "common.cuh"

// out = (x - mean) * rstd * w + b; saves mean (rows), rstd (rows) when non-null
extern "C" __global__ void layernorm_forward_f32(float* out, float* mean, float* rstd, const float* x,
                                                 const float* w, const float* b, int cols, float eps) {
    long long base = (long long)blockIdx.x * cols;
    const float* xr = x + base;
    double s = 0.0;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j];
    double mu = block_sum_d(s) / cols;
    double v = 0.0;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) { double d = xr[j] - mu; v += d * d; }
    double var = block_sum_d(v) / cols;
    float r = (float)(1.0 / sqrt(var + (double)eps));
    float m = (float)mu;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float y = (xr[j] - m) * r;
        if (w) y *= w[j];
        if (b) y += b[j];
        out[base + j] = y;
    }
    if (threadIdx.x == 0) {
        if (mean) mean[blockIdx.x] = m;
        if (rstd) rstd[blockIdx.x] = r;
    }
}

// dx = rstd * (dnorm - mean(dnorm) - xhat * mean(dnorm * xhat)), dnorm = dout * w, xhat = (x - mean) * rstd
extern "C" __global__ void layernorm_backward_dx_f32(float* dx, const float* dout, const float* x, const float* w,
                                                     const float* mean, const float* rstd, int cols) {
    long long base = (long long)blockIdx.x * cols;
    float m = mean[blockIdx.x], r = rstd[blockIdx.x];
    double s1 = 0.0, s2 = 0.0;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float dn = dout[base + j] * (w ? w[j] : 1.0f);
        float xh = (x[base + j] - m) * r;
        s1 += dn;
        s2 += (double)dn * xh;
    }
    float meanDn = (float)(block_sum_d(s1) / cols);
    float meanDnXh = (float)(block_sum_d(s2) / cols);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float dn = dout[base + j] * (w ? w[j] : 1.0f);
        float xh = (x[base + j] - m) * r;
        dx[base + j] = r * (dn - meanDn - xh * meanDnXh);
    }
}

// dw[c] = sum_r dout * xhat, db[c] = sum_r dout (either may be null)
extern "C" __global__ void layernorm_backward_dwdb_f32(float* dw, float* db, const float* dout, const float* x,
                                                       const float* mean, const float* rstd, int rows, int cols) {
    long long c = global_index();
    if (c >= cols) return;
    double sw = 0.0, sb = 0.0;
    for (int r = 0; r < rows; ++r) {
        long long i = (long long)r * cols + c;
        float g = dout[i];
        sw += (double)g * ((x[i] - mean[r]) * rstd[r]);
        sb += g;
    }
    if (dw) dw[c] = (float)sw;
    if (db) db[c] = (float)sb;
}

// out = x * rstd * w, rstd = 1 / sqrt(mean(x^2) + eps)
extern "C" __global__ void rmsnorm_forward_f32(float* out, float* rstd, const float* x, const float* w,
                                               int cols, float eps) {
    long long base = (long long)blockIdx.x * cols;
    double s = 0.0;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) { double v = x[base + j]; s += v * v; }
    float r = (float)(1.0 / sqrt(block_sum_d(s) / cols + (double)eps));
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float y = x[base + j] * r;
        if (w) y *= w[j];
        out[base + j] = y;
    }
    if (threadIdx.x == 0 && rstd) rstd[blockIdx.x] = r;
}

// dx = rstd * dnorm - x * rstd^3 * mean(dnorm * x), dnorm = dout * w
extern "C" __global__ void rmsnorm_backward_dx_f32(float* dx, const float* dout, const float* x, const float* w,
                                                   const float* rstd, int cols) {
    long long base = (long long)blockIdx.x * cols;
    float r = rstd[blockIdx.x];
    double s = 0.0;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        s += (double)(dout[base + j] * (w ? w[j] : 1.0f)) * x[base + j];
    }
    float k = (float)((double)r * r * r * (block_sum_d(s) / cols));
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float dn = dout[base + j] * (w ? w[j] : 1.0f);
        dx[base + j] = r * dn - x[base + j] * k;
    }
}

// dw[c] = sum_r dout * x * rstd
extern "C" __global__ void rmsnorm_backward_dw_f32(float* dw, const float* dout, const float* x, const float* rstd,
                                                   int rows, int cols) {
    long long c = global_index();
    if (c >= cols) return;
    double s = 0.0;
    for (int r = 0; r < rows; ++r) {
        long long i = (long long)r * cols + c;
        s += (double)dout[i] * (x[i] * rstd[r]);
    }
    dw[c] = (float)s;
}
