// Routing kernels of DNA / MoE: router top-k (softmax over E, pick K), its backward through the
// weights, and the weighted combine of module outputs back to token order with its backward.
#include "common.cuh"

// One thread per row. probs (rows, E) = softmax(logits); picks the K largest (probs + bias), ties
// by lower index, in descending order; weights (rows, K) = chosen probs, renormalised if asked.
// A row with a NaN logit writes its row number into *nanRow (atomicMin) and nothing else.
extern "C" __global__ void topk_f32(int* indices, float* weights, float* probs, const float* logits,
                                    const float* bias, int rows, int experts, int k, int renormalize, int* nanRow) {
    long long row = global_index();
    if (row >= rows) return;
    const float* x = logits + row * experts;
    float* p = probs + row * experts;
    float m = -JDNA_INF;
    for (int e = 0; e < experts; ++e) {
        float v = x[e];
        if (isnan(v)) { atomicMin(nanRow, (int)row); return; }
        m = fmaxf(m, v);
    }
    double s = 0.0;
    for (int e = 0; e < experts; ++e) s += (double)expf(x[e] - m);
    for (int e = 0; e < experts; ++e) p[e] = (float)((double)expf(x[e] - m) / s);

    // Selection in the total order (score descending, index ascending) without a taken-set: the
    // j-th pick is the best element strictly after the (j-1)-th pick in that order.
    float prevScore = JDNA_INF;
    int prevIdx = -1;
    float chosenSum = 0.0f;
    for (int j = 0; j < k; ++j) {
        int best = -1;
        float bestScore = 0.0f;
        for (int e = 0; e < experts; ++e) {
            float sc = bias ? p[e] + bias[e] : p[e];
            bool after = j == 0 || sc < prevScore || (sc == prevScore && e > prevIdx);
            if (after && (best < 0 || sc > bestScore)) { best = e; bestScore = sc; }
        }
        indices[row * k + j] = best;
        prevScore = bestScore;
        prevIdx = best;
        chosenSum += p[best];
    }
    for (int j = 0; j < k; ++j) {
        float w = p[indices[row * k + j]];
        weights[row * k + j] = renormalize ? w / chosenSum : w;
    }
}

// dlogits (rows, E) from dweights (rows, K): through the renormalisation, then the softmax.
extern "C" __global__ void topk_backward_f32(float* dlogits, const float* dweights, const float* probs,
                                             const int* indices, int rows, int experts, int k, int renormalize) {
    long long row = global_index();
    if (row >= rows) return;
    const float* p = probs + row * experts;
    const float* dw = dweights + row * k;
    const int* idx = indices + row * k;
    float* dl = dlogits + row * experts;
    double sum = 0.0, wdot = 0.0;
    if (renormalize) {
        for (int j = 0; j < k; ++j) sum += p[idx[j]];
        for (int j = 0; j < k; ++j) wdot += (double)dw[j] * (p[idx[j]] / sum);
    }
    // dp_j: gradient w.r.t. the chosen probability; dot = sum_j dp_j * p_j
    double dot = 0.0;
    for (int j = 0; j < k; ++j) {
        double dp = renormalize ? (dw[j] - wdot) / sum : (double)dw[j];
        dot += dp * p[idx[j]];
    }
    for (int e = 0; e < experts; ++e) {
        double dp = 0.0;
        for (int j = 0; j < k; ++j) {
            if (idx[j] == e) dp = renormalize ? (dw[j] - wdot) / sum : (double)dw[j];
        }
        dl[e] = (float)(p[e] * (dp - dot));
    }
}

// out[t, :] = sum_j weights[t*K + j] * y[slotRows[t*K + j], :], slot -1 contributes nothing.
extern "C" __global__ void combine_f32(float* out, const float* y, const float* weights, const int* slotRows,
                                       int tokens, int k, int width) {
    long long e = global_index();
    if (e >= (long long)tokens * width) return;
    long long t = e / width, c = e % width;
    float acc = 0.0f;
    for (int j = 0; j < k; ++j) {
        int s = slotRows[t * k + j];
        if (s >= 0) acc += weights[t * k + j] * y[(long long)s * width + c];
    }
    out[e] = acc;
}

// dy[slotRows[t,j], :] = weights[t,j] * dout[t, :]; rows not named are left alone.
extern "C" __global__ void combine_backward_dy_f32(float* dy, const float* dout, const float* weights,
                                                   const int* slotRows, int tokens, int k, int width) {
    long long e = global_index();
    if (e >= (long long)tokens * k * width) return;
    long long tj = e / width, c = e % width;
    int s = slotRows[tj];
    if (s >= 0) dy[(long long)s * width + c] = weights[tj] * dout[(tj / k) * width + c];
}

// dweights[t, j] = dot(dout[t, :], y[slotRows[t,j], :]); one block per (t, j).
extern "C" __global__ void combine_backward_dweights_f32(float* dweights, const float* dout, const float* y,
                                                         const int* slotRows, int k, int width) {
    long long tj = blockIdx.x;
    int s = slotRows[tj];
    if (s < 0) {
        if (threadIdx.x == 0) dweights[tj] = 0.0f;
        return;
    }
    const float* g = dout + (tj / k) * width;
    const float* yr = y + (long long)s * width;
    double acc = 0.0;
    for (int c = threadIdx.x; c < width; c += blockDim.x) acc += (double)g[c] * yr[c];
    acc = block_sum_d(acc);
    if (threadIdx.x == 0) dweights[tj] = (float)acc;
}
