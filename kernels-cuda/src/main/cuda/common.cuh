// Shared helpers of the jdna CUDA kernels. Legend: N rows, C cols, E experts, K top-k, H heads,
// Dh head dim. All buffers are row-major float32; sizes and offsets are in elements.
// Reductions accumulate in double and use a fixed tree, so results are the same bits every run.
#pragma once
#include <math.h>
#include <float.h>
#include "hostdev.cuh"

#define JDNA_INF __int_as_float(0x7f800000)

__device__ __forceinline__ double warp_sum_d(double v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max_f(float v) {
    for (int o = 16; o > 0; o >>= 1) v = nan_max(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the block (blockDim.x a multiple of 32, at most 1024); every thread gets the total.
__device__ __forceinline__ double block_sum_d(double v) {
    __shared__ double partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warp_sum_d(v);
    __syncthreads();  // a previous call may still be reading partial
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    return warp_sum_d(lane < warps ? partial[lane] : 0.0);
}

// NaN-propagating max over the block; every thread gets the result.
__device__ __forceinline__ float block_max_f(float v) {
    __shared__ float partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warp_max_f(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    return warp_max_f(lane < warps ? partial[lane] : -JDNA_INF);
}

__device__ __forceinline__ long long global_index() {
    return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}
