package org.jdna.engine.backend.reference;

import static org.jdna.engine.backend.HeapStorage.array;

import org.jdna.engine.backend.MatmulKernels;
import org.jdna.engine.backend.Storage;

/**
 * Batched GEMM, written as its definition.
 *
 * <p>Legend: (m, k) x (k, n) GEMM sizes, ld* leading dimensions (stored row length), stride* batch
 * strides.
 */
final class ReferenceGemm implements MatmulKernels {

    /** The triple loop, one double dot product per output element. */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     Storage aS, int aOff, int lda, int strideA,
                     Storage bS, int bOff, int ldb, int strideB,
                     float beta, Storage cS, int cOff, int ldc, int strideC, int batch) {
        float[] a = array(aS), b = array(bS), c = array(cS);
        for (int t = 0; t < batch; t++) {
            int aBase = aOff + t * strideA;
            int bBase = bOff + t * strideB;
            int cBase = cOff + t * strideC;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int p = 0; p < k; p++) {
                        float aip = transA ? a[aBase + p * lda + i] : a[aBase + i * lda + p];
                        float bpj = transB ? b[bBase + j * ldb + p] : b[bBase + p * ldb + j];
                        dot += (double) aip * bpj;
                    }
                    int at = cBase + i * ldc + j;
                    double result = alpha * dot;
                    if (beta != 0f) {
                        result += (double) beta * c[at]; // beta == 0: C is not read
                    }
                    c[at] = (float) result;
                }
            }
        }
    }
}
