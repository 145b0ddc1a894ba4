package org.jdna.engine.backend;

/**
 * Matrix multiply: one batched row-major GEMM. Conventions: {@link Backend}'s.
 *
 * <p>Legend: op(A) (m, k) times op(B) (k, n) into C (m, n); ld* leading dimensions (a row's length
 * as stored), stride* the distance between the matrices of a batch.
 */
public interface MatmulKernels {

    /**
     * Batched row-major GEMM: for b in [0, batch):
     * C_b = alpha * op(A_b) * op(B_b) + beta * C_b, with op(A_b) (m, k), op(B_b) (k, n), C_b (m, n);
     * A_b starts at aOff + b*strideA with leading dimension lda (its row length as stored), and so on.
     * When beta == 0, C is not read (NaN in C does not propagate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              Storage a, int aOff, int lda, int strideA,
              Storage b, int bOff, int ldb, int strideB,
              float beta, Storage c, int cOff, int ldc, int strideC, int batch);
}
