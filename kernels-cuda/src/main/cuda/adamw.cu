// Fused AdamW step (decoupled weight decay, bias-corrected); bc1 = 1 - beta1^t, bc2 = 1 - beta2^t.
#include "common.cuh"

extern "C" __global__ void adamw_f32(float* p, float* m, float* v, const float* g, int n, float lr, float beta1,
                                     float beta2, float eps, float weightDecay, float bc1, float bc2) {
    long long i = global_index();
    if (i >= n) return;
    float gi = g[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    float mhat = mi / bc1, vhat = vi / bc2;
    p[i] -= lr * (mhat / (sqrtf(vhat) + eps) + weightDecay * p[i]);
}
