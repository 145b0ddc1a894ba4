// Routing kernels of DNA / MoE: router top-k (softmax over E, pick K), its backward through the
// weights, and the weighted combine of module outputs back to token order with its backward.
#include "common.cuh"
#include "topk.cuh"

// One thread per row: topk_row (topk.cuh) on row `row` of logits, probs, indices and weights.
// A row that the reference would reject (a NaN logit, a +inf logit, a NaN bias) writes its row
// number into *badRow (atomicMin: the host reports the first) and no indices or weights.
extern "C" __global__ void topk_f32(int* indices, float* weights, float* probs, const float* logits,
                                    const float* bias, int rows, int experts, int k, int renormalize, int* badRow) {
    long long row = global_index();
    if (row >= rows) return;
    int status = topk_row(indices + row * k, weights + row * k, probs + row * experts, logits + row * experts, bias,
                          experts, k, renormalize);
    if (status != TOPK_OK) atomicMin(badRow, (int)row);
}

// dlogits (rows, E) from dweights (rows, K): topk_backward_row (topk.cuh) per row, one thread each.
extern "C" __global__ void topk_backward_f32(float* dlogits, const float* dweights, const float* probs,
                                             const int* indices, int rows, int experts, int k, int renormalize) {
    long long row = global_index();
    if (row >= rows) return;
    topk_backward_row(dlogits + row * experts, dweights + row * k, probs + row * experts, indices + row * k, experts, k,
                      renormalize);
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

// dy[slotRows[t,j], :] = weights[t,j] * dout[t, :]; rows not named are left alone. Where slots
// name the same row the last (t, j) wins, as in the reference: the host passes slotRows with every
// earlier duplicate set to -1 (HostIndices.lastWriters), so no two threads write one element.
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
