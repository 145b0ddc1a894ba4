// Layout: materialize a strided view (transpose, permute, broadcast expand, slice by offset).
#include "common.cuh"

// dst (contiguous, n elements of shape) = src[sum_j i_j * strides[j]]; meta = shape[rank], strides[rank]
extern "C" __global__ void copy_strided_f32(float* dst, const float* src, const int* meta, int rank, int n) {
    long long i = global_index();
    if (i >= n) return;
    long long rem = i, off = 0;
    for (int d = rank - 1; d >= 0; --d) {
        int size = meta[d];
        long long c = rem % size;
        rem /= size;
        off += c * meta[rank + d];
    }
    dst[i] = src[off];
}
