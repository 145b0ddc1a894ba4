// Fallback batched SGEMM (row-major, C = alpha * op(A) op(B) + beta * C) for machines where no
// cuBLAS can be loaded. Square shared-memory tiles; exact fp32 (no tensor cores). TILE must match
// Launch.GEMM_TILE. grid (ceil(n/TILE), ceil(m/TILE), batch), block TILE*TILE.
#include "common.cuh"

#define TILE 16

extern "C" __global__ void gemm_tiled_f32(int transA, int transB, int m, int n, int k, float alpha,
                                          const float* A, int lda, long long strideA,
                                          const float* B, int ldb, long long strideB,
                                          float beta, float* C, int ldc, long long strideC) {
    __shared__ float As[TILE][TILE + 1];
    __shared__ float Bs[TILE][TILE + 1];
    long long b = blockIdx.z;
    A += b * strideA;
    B += b * strideB;
    C += b * strideC;
    int ty = threadIdx.x / TILE, tx = threadIdx.x % TILE;
    int row = blockIdx.y * TILE + ty, col = blockIdx.x * TILE + tx;
    float acc = 0.0f;
    for (int k0 = 0; k0 < k; k0 += TILE) {
        int ak = k0 + tx;  // op(A)[row, ak]
        As[ty][tx] = (row < m && ak < k) ? (transA ? A[(long long)ak * lda + row] : A[(long long)row * lda + ak]) : 0.0f;
        int bk = k0 + ty;  // op(B)[bk, col]
        Bs[ty][tx] = (bk < k && col < n) ? (transB ? B[(long long)col * ldb + bk] : B[(long long)bk * ldb + col]) : 0.0f;
        __syncthreads();
        for (int kk = 0; kk < TILE; ++kk) acc += As[ty][kk] * Bs[kk][tx];
        __syncthreads();
    }
    if (row < m && col < n) {
        float* c = C + (long long)row * ldc + col;
        *c = beta == 0.0f ? alpha * acc : alpha * acc + beta * *c;
    }
}
