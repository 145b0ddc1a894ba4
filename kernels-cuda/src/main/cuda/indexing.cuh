// The adds of indexing.cu, one destination element at a time, shared by its kernels and the host
// test harness. The reference (ReferenceRouting.java) adds in increasing source index in float,
// which fixes every bit of the result; these loops make exactly those adds in that order.
// Legend: W row width, (O, L, I) the scatter view with J = idxLen positions.
#pragma once
#include "hostdev.cuh"

// dstRow[c] += src[order[p], c] for p in [begin, end), in that order (the host's CSR grouping keeps
// the sources of one destination row increasing), accumulated in float as the reference does.
JDNA_HD void index_add_group_column(float* dstRow, const float* src, const int* order, int begin, int end,
                                    int width, int c) {
    float acc = dstRow[c];
    for (int p = begin; p < end; ++p) acc += src[(long long)order[p] * width + c];
    dstRow[c] = acc;
}

// dx[o, idx[o, j, i], i] += dout[o, j, i] for j = 0, 1, ...: every add into column (o, i) of dx, in
// the reference's order. Columns are disjoint, so one thread each needs no atomics.
JDNA_HD void scatter_add_column(float* dx, const float* dout, const int* idx, long long o, long long i, int len,
                                int inner, int idxLen) {
    for (int j = 0; j < idxLen; ++j) {
        long long e = (o * idxLen + j) * inner + i;
        dx[(o * len + idx[e]) * inner + i] += dout[e];
    }
}
