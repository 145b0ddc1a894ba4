// Multi-head scaled-dot-product attention over variable-length segments ("varlen" layout).
// q, k, v: (rows, H*Dh) at row stride ldx (H*Dh, or 3*H*Dh for a packed qkv whose q, k and v are
// column blocks: Backend.attentionPacked reads them in place); dq, dk, dv are written at the same
// stride (into dqkv when packed). out, dout: (rows, H*Dh) contiguous; lse, delta: (H, rows).
// Row r of segment s (rows [seg[s], seg[s+1])) at
// position p attends to positions u of its segment with u <= p when causal and
// mask[s*maskStride + p*L + u] != 0 when a mask is given.
// Straightforward and exact: one block per (row, head); keys in tiles of blockDim; three passes
// (max, sum, weighted values) recompute the scores instead of storing them, so any length works.
// Backward without atomics: dq per (query row, head), dk/dv per (key row, head).
#include "common.cuh"

__device__ __forceinline__ int find_segment(const int* seg, int numSeg, int r) {
    int lo = 0, hi = numSeg - 1;  // the last s with seg[s] <= r
    while (lo < hi) {
        int mid = (lo + hi + 1) >> 1;
        if (seg[mid] <= r) lo = mid; else hi = mid - 1;
    }
    return lo;
}

__device__ __forceinline__ bool allowed(int p, int u, int L, int causal, const float* mask, long long maskBase) {
    if (causal && u > p) return false;
    if (mask && mask[maskBase + (long long)p * L + u] == 0.0f) return false;
    return true;
}

__device__ __forceinline__ float dot_shared(const float* a, const float* b, int n) {
    float acc = 0.0f;
    for (int d = 0; d < n; ++d) acc += a[d] * b[d];
    return acc;
}

// grid (rows, H); shared: qs[Dh], acc[Dh], ps[blockDim]
extern "C" __global__ void attention_forward_f32(float* out, float* lse, const float* q, const float* k, const float* v,
                                                 const int* seg, int numSeg, int rows, int heads, int headDim,
                                                 long long ldx, int causal, const float* mask, int maskStride,
                                                 float scale) {
    extern __shared__ float sh[];
    float* qs = sh;
    float* acc = sh + headDim;
    float* ps = sh + 2 * headDim;
    int r = blockIdx.x, h = blockIdx.y, tid = threadIdx.x, B = blockDim.x;
    int s = find_segment(seg, numSeg, r);
    int start = seg[s], L = seg[s + 1] - start, p = r - start;
    long long ldo = (long long)heads * headDim, col = (long long)h * headDim;
    long long maskBase = (long long)s * maskStride;
    for (int d = tid; d < headDim; d += B) { qs[d] = q[r * ldx + col + d]; acc[d] = 0.0f; }
    __syncthreads();
    int uEnd = causal ? p + 1 : L;

    float m = -JDNA_INF;
    for (int u = tid; u < uEnd; u += B) {
        if (allowed(p, u, L, causal, mask, maskBase)) {
            m = fmaxf(m, scale * dot_shared(qs, k + (start + u) * ldx + col, headDim));
        }
    }
    m = block_max_f(m);
    if (m == -JDNA_INF) {  // attends to nothing
        for (int d = tid; d < headDim; d += B) out[r * ldo + col + d] = 0.0f;
        if (tid == 0) lse[(long long)h * rows + r] = -JDNA_INF;
        return;
    }
    double l = 0.0;
    for (int u = tid; u < uEnd; u += B) {
        if (allowed(p, u, L, causal, mask, maskBase)) {
            l += (double)expf(scale * dot_shared(qs, k + (start + u) * ldx + col, headDim) - m);
        }
    }
    float lseV = (float)((double)m + log(block_sum_d(l)));

    for (int u0 = 0; u0 < uEnd; u0 += B) {
        int u = u0 + tid;
        float pu = 0.0f;
        if (u < uEnd && allowed(p, u, L, causal, mask, maskBase)) {
            pu = expf(scale * dot_shared(qs, k + (start + u) * ldx + col, headDim) - lseV);
        }
        ps[tid] = pu;
        __syncthreads();
        int count = min(B, uEnd - u0);
        for (int d = tid; d < headDim; d += B) {
            float a = acc[d];
            for (int j = 0; j < count; ++j) a += ps[j] * v[(start + u0 + j) * ldx + col + d];
            acc[d] = a;
        }
        __syncthreads();
    }
    for (int d = tid; d < headDim; d += B) out[r * ldo + col + d] = acc[d];
    if (tid == 0) lse[(long long)h * rows + r] = lseV;
}

// delta[h*rows + r] = sum_d dout[r, h, d] * out[r, h, d]; grid (rows, H), block 32
extern "C" __global__ void attention_delta_f32(float* delta, const float* dout, const float* out, int rows, int heads,
                                               int headDim) {
    int r = blockIdx.x, h = blockIdx.y;
    long long base = (long long)r * heads * headDim + (long long)h * headDim;
    double acc = 0.0;
    for (int d = threadIdx.x; d < headDim; d += blockDim.x) acc += (double)dout[base + d] * out[base + d];
    acc = block_sum_d(acc);
    if (threadIdx.x == 0) delta[(long long)h * rows + r] = (float)acc;
}

// dq[r] = scale * sum_u dS_ru k_u, dS = P * (dout_r . v_u - delta_r); grid (rows, H);
// shared: qs[Dh], gs[Dh], acc[Dh], ps[blockDim]
extern "C" __global__ void attention_backward_dq_f32(float* dq, const float* dout, const float* q, const float* k,
                                                     const float* v, const float* lse, const float* delta,
                                                     const int* seg, int numSeg, int rows, int heads, int headDim,
                                                     long long ldx, int causal, const float* mask, int maskStride,
                                                     float scale) {
    extern __shared__ float sh[];
    float* qs = sh;
    float* gs = sh + headDim;
    float* acc = sh + 2 * headDim;
    float* ps = sh + 3 * headDim;
    int r = blockIdx.x, h = blockIdx.y, tid = threadIdx.x, B = blockDim.x;
    int s = find_segment(seg, numSeg, r);
    int start = seg[s], L = seg[s + 1] - start, p = r - start;
    long long ldo = (long long)heads * headDim, col = (long long)h * headDim;
    long long maskBase = (long long)s * maskStride;
    float lseR = lse[(long long)h * rows + r];
    float deltaR = delta[(long long)h * rows + r];
    for (int d = tid; d < headDim; d += B) {
        qs[d] = q[r * ldx + col + d];
        gs[d] = dout[r * ldo + col + d];
        acc[d] = 0.0f;
    }
    __syncthreads();
    int uEnd = (lseR == -JDNA_INF) ? 0 : (causal ? p + 1 : L);
    for (int u0 = 0; u0 < uEnd; u0 += B) {
        int u = u0 + tid;
        float ds = 0.0f;
        if (u < uEnd && allowed(p, u, L, causal, mask, maskBase)) {
            const float* kr = k + (start + u) * ldx + col;
            float pu = expf(scale * dot_shared(qs, kr, headDim) - lseR);
            float dp = dot_shared(gs, v + (start + u) * ldx + col, headDim);
            ds = pu * (dp - deltaR);
        }
        ps[tid] = ds;
        __syncthreads();
        int count = min(B, uEnd - u0);
        for (int d = tid; d < headDim; d += B) {
            float a = acc[d];
            for (int j = 0; j < count; ++j) a += ps[j] * k[(start + u0 + j) * ldx + col + d];
            acc[d] = a;
        }
        __syncthreads();
    }
    for (int d = tid; d < headDim; d += B) dq[r * ldx + col + d] = scale * acc[d];
}

// For key row kr at position u: dv[kr] = sum_p P_pu dout_p, dk[kr] = scale * sum_p dS_pu q_p over
// the queries p that attend to u; grid (rows, H); shared: ks[Dh], vs[Dh], accK[Dh], accV[Dh],
// pp[blockDim], pds[blockDim]
extern "C" __global__ void attention_backward_dkdv_f32(float* dk, float* dv, const float* dout, const float* q,
                                                       const float* k, const float* v, const float* lse,
                                                       const float* delta, const int* seg, int numSeg, int rows,
                                                       int heads, int headDim, long long ldx, int causal,
                                                       const float* mask, int maskStride, float scale) {
    extern __shared__ float sh[];
    float* ks = sh;
    float* vs = sh + headDim;
    float* accK = sh + 2 * headDim;
    float* accV = sh + 3 * headDim;
    float* pp = sh + 4 * headDim;
    float* pds = pp + blockDim.x;
    int kr = blockIdx.x, h = blockIdx.y, tid = threadIdx.x, B = blockDim.x;
    int s = find_segment(seg, numSeg, kr);
    int start = seg[s], L = seg[s + 1] - start, u = kr - start;
    long long ldo = (long long)heads * headDim, col = (long long)h * headDim;
    long long maskBase = (long long)s * maskStride;
    for (int d = tid; d < headDim; d += B) {
        ks[d] = k[kr * ldx + col + d];
        vs[d] = v[kr * ldx + col + d];
        accK[d] = 0.0f;
        accV[d] = 0.0f;
    }
    __syncthreads();
    int pBegin = causal ? u : 0;
    for (int p0 = pBegin; p0 < L; p0 += B) {
        int p = p0 + tid;
        float pu = 0.0f, ds = 0.0f;
        if (p < L && allowed(p, u, L, causal, mask, maskBase)) {
            long long qr = start + p;
            float lseP = lse[(long long)h * rows + qr];
            if (lseP != -JDNA_INF) {
                pu = expf(scale * dot_shared(ks, q + qr * ldx + col, headDim) - lseP);
                float dp = dot_shared(vs, dout + qr * ldo + col, headDim);
                ds = pu * (dp - delta[(long long)h * rows + qr]);
            }
        }
        pp[tid] = pu;
        pds[tid] = ds;
        __syncthreads();
        int count = min(B, L - p0);
        for (int d = tid; d < headDim; d += B) {
            float ak = accK[d], av = accV[d];
            for (int j = 0; j < count; ++j) {
                long long qr = start + p0 + j;
                av += pp[j] * dout[qr * ldo + col + d];
                ak += pds[j] * q[qr * ldx + col + d];
            }
            accK[d] = ak;
            accV[d] = av;
        }
        __syncthreads();
    }
    for (int d = tid; d < headDim; d += B) {
        dk[kr * ldx + col + d] = scale * accK[d];
        dv[kr * ldx + col + d] = accV[d];
    }
}

// Rotary position embedding (AttentionKernels#rotary): x, out (rows, width); columns [0, rotatedHeads*headDim)
// are heads whose pairs (i, i + half) rotate by the angle of the row's position, the rest is copied.
// cos, sin: (maxPositions, half). sign = -1 rotates by the opposite angle (the backward). Products are
// rounded before the sum (__fmul_rn keeps nvcc from contracting them into an fma), as in the reference.
// One thread per element of out.
extern "C" __global__ void rotary_f32(float* out, const float* x, const int* positions, const float* cos,
                                      const float* sin, int rows, int width, int rotatedHeads, int headDim,
                                      float sign) {
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long)rows * width) return;
    int r = (int)(idx / width), col = (int)(idx % width);
    if (col >= rotatedHeads * headDim) { out[idx] = x[idx]; return; }
    int half = headDim >> 1, i = col % headDim;
    bool low = i < half;
    int pair = low ? i : i - half;
    long long t = (long long)positions[r] * half + pair;
    float c = cos[t], s = sign * sin[t];
    float self = x[idx];
    float other = x[low ? idx + half : idx - half];
    out[idx] = low ? __fsub_rn(__fmul_rn(self, c), __fmul_rn(other, s))
                   : __fadd_rn(__fmul_rn(self, c), __fmul_rn(other, s));
}
