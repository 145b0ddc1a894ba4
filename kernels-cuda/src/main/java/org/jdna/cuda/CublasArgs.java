package org.jdna.cuda;

/**
 * A row-major GEMM restated for column-major cuBLAS. A row-major matrix read as column-major is its
 * transpose, so C = op(A) op(B) (row-major, m x n) is computed as C^T = op(B)^T op(A)^T (column-major,
 * n x m): swap the operands and their flags, swap m and n, keep the leading dimensions.
 *
 * @param <P> how an operand is named (a device address, a JCuda pointer; a String in tests)
 */
public record CublasArgs<P>(int transa, int transb, int m, int n, int k,
                            P a, int lda, long strideA, P b, int ldb, long strideB,
                            P c, int ldc, long strideC) {
    public static final int OP_N = 0;
    public static final int OP_T = 1;

    public static <P> CublasArgs<P> fromRowMajor(boolean transA, boolean transB, int m, int n, int k,
                                                 P a, int lda, long strideA, P b, int ldb, long strideB,
                                                 P c, int ldc, long strideC) {
        return new CublasArgs<>(transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k,
                b, ldb, strideB, a, lda, strideA, c, ldc, strideC);
    }
}
