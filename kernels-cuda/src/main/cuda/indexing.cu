// Row gather / grouped row add (routing dispatch and its backward), gather / scatter-add along the
// middle axis of an (outer, len, inner) view. Indices are validated on the host before upload.
#include "common.cuh"
#include "indexing.cuh"

// out[i, :] = src[rows[i], :], i < count
extern "C" __global__ void index_select_rows_f32(float* out, const float* src, const int* rows, int count, int width) {
    long long e = global_index();
    if (e >= (long long)count * width) return;
    long long i = e / width, c = e % width;
    out[e] = src[(long long)rows[i] * width + c];
}

// Deterministic dst[rows[i], :] += src[i, :]: the host groups the i by destination row (CSR, i
// increasing within a group); one block per group adds its sources in order.
// groupRow (groups), groupStart (groups + 1), order (count)
extern "C" __global__ void index_add_rows_grouped_f32(float* dst, const float* src, const int* groupRow,
                                                      const int* groupStart, const int* order, int width) {
    int g = blockIdx.x;
    float* dstRow = dst + (long long)groupRow[g] * width;
    for (int c = threadIdx.x; c < width; c += blockDim.x) {
        index_add_group_column(dstRow, src, order, groupStart[g], groupStart[g + 1], width, c);
    }
}

// out[o, j, i] = x[o, idx[(o*idxLen + j)*inner + i], i]
extern "C" __global__ void gather_f32(float* out, const float* x, const int* idx, int outer, int len, int inner,
                                      int idxLen) {
    long long e = global_index();
    if (e >= (long long)outer * idxLen * inner) return;
    long long o = e / ((long long)idxLen * inner), i = e % inner;
    out[e] = x[(o * len + idx[e]) * inner + i];
}

// dx[o, idx[o,j,i], i] += dout[o, j, i] in increasing j: one thread per (o, i) (scatter_add_column),
// so no two threads touch the same element of dx.
extern "C" __global__ void scatter_add_f32(float* dx, const float* dout, const int* idx, int outer, int len, int inner,
                                           int idxLen) {
    long long t = global_index();
    if (t >= (long long)outer * inner) return;
    scatter_add_column(dx, dout, idx, t / inner, t % inner, len, inner, idxLen);
}
