package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * CublasArgs restates a row-major GEMM for column-major cuBLAS. Checked by running both sides on the
 * host: a plain column-major SGEMM with cuBLAS's argument meaning, fed the restated arguments, must
 * give the row-major product element for element (same summation order, so exactly).
 */
class CublasArgsTest {

    /** cuBLAS's cublasSgemmStridedBatched on host arrays: column-major, op = N or T. */
    private static void columnMajorGemm(CublasArgs<float[]> x, float alpha, float beta, int batch) {
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < x.n(); j++) {
                for (int i = 0; i < x.m(); i++) {
                    float acc = 0f;
                    for (int l = 0; l < x.k(); l++) {
                        float av = x.transa() == CublasArgs.OP_N ? x.a()[(int) (b * x.strideA()) + i + l * x.lda()]
                                : x.a()[(int) (b * x.strideA()) + l + i * x.lda()];
                        float bv = x.transb() == CublasArgs.OP_N ? x.b()[(int) (b * x.strideB()) + l + j * x.ldb()]
                                : x.b()[(int) (b * x.strideB()) + j + l * x.ldb()];
                        acc += av * bv;
                    }
                    int at = (int) (b * x.strideC()) + i + j * x.ldc();
                    x.c()[at] = alpha * acc + beta * x.c()[at];
                }
            }
        }
    }

    /** The SPI's row-major GEMM, written out. */
    private static void rowMajorGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                     float[] a, int lda, int strideA, float[] b, int ldb, int strideB,
                                     float beta, float[] c, int ldc, int strideC, int batch) {
        for (int q = 0; q < batch; q++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int l = 0; l < k; l++) {
                        float av = transA ? a[q * strideA + l * lda + i] : a[q * strideA + i * lda + l];
                        float bv = transB ? b[q * strideB + j * ldb + l] : b[q * strideB + l * ldb + j];
                        acc += av * bv;
                    }
                    int at = q * strideC + i * ldc + j;
                    c[at] = alpha * acc + beta * c[at];
                }
            }
        }
    }

    @Test
    void restatedArgumentsGiveTheRowMajorProductForEveryTransposeAndPadding() {
        Random rnd = new Random(17);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {7, 3, 5}, {4, 4, 1}, {2, 9, 16}};
        for (int[] shape : shapes) {
            int m = shape[0], n = shape[1], k = shape[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    int pad = 2; // leading dimensions larger than the rows they hold
                    int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
                    int rowsA = transA ? k : m, rowsB = transB ? n : k;
                    int strideA = rowsA * lda + 3, strideB = rowsB * ldb + 1, strideC = m * ldc + 5, batch = 3;
                    float[] a = random(rnd, batch * strideA), b = random(rnd, batch * strideB);
                    float[] c0 = random(rnd, batch * strideC);
                    float[] expected = c0.clone(), actual = c0.clone();
                    rowMajorGemm(transA, transB, m, n, k, 1.5f, a, lda, strideA, b, ldb, strideB, 0.5f, expected, ldc,
                            strideC, batch);
                    CublasArgs<float[]> x = CublasArgs.fromRowMajor(transA, transB, m, n, k, a, lda, strideA, b, ldb,
                            strideB, actual, ldc, strideC);
                    columnMajorGemm(x, 1.5f, 0.5f, batch);
                    assertArrayEquals(expected, actual, "m=" + m + " n=" + n + " k=" + k + " transA=" + transA
                            + " transB=" + transB);
                }
            }
        }
    }

    @Test
    void operandsAndFlagsSwapWhileLeadingDimensionsStayWithTheirMatrix() {
        CublasArgs<String> x = CublasArgs.fromRowMajor(true, false, 2, 3, 4, "A", 10, 100L, "B", 20, 200L, "C", 30, 300L);
        assertEquals(new CublasArgs<>(CublasArgs.OP_N, CublasArgs.OP_T, 3, 2, 4, "B", 20, 200L, "A", 10, 100L,
                "C", 30, 300L), x);
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(9) - 4; // small integers: every product and sum is exact
        }
        return x;
    }
}
