package org.jdna.engine.ops;

import java.util.Arrays;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.tensor.Tensor;

/**
 * Matrix products on the backend's batched GEMM. Transposes never copy: they become GEMM flags.
 *
 * <p>For C = op(A) op(B): dop(A) = dC op(B)^T and dop(B) = op(A)^T dC, each written as one GEMM on
 * the stored (untransposed) operands. An operand shared by every batch (rank 2 against rank >= 3)
 * gets the sum over the batch.
 */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /**
     * a @ b. Shapes: (m,k)@(k,n); (B,m,k)@(B,k,n) batched; (..., m, k)@(k, n) with a weight shared
     * across leading axes (the Linear layer's case).
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, b, false, false);
    }

    /**
     * op(a) @ op(b) where op transposes the last two axes when the flag is set. Leading (batch) axes
     * must be equal, or one operand must be 2-D (shared by every batch).
     */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        OpChecks.notNull("matmul", "a", a);
        OpChecks.notNull("matmul", "b", b);
        OpChecks.sameBackend("matmul", a, b);
        OpChecks.minRank("matmul", "a", a, 2);
        OpChecks.minRank("matmul", "b", b, 2);
        int[] as = a.shape();
        int[] bs = b.shape();
        int m = transA ? as[as.length - 1] : as[as.length - 2];
        int k = transA ? as[as.length - 2] : as[as.length - 1];
        int kb = transB ? bs[bs.length - 1] : bs[bs.length - 2];
        int n = transB ? bs[bs.length - 2] : bs[bs.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + a.shapeString()
                    + (transA ? "^T" : "") + " @ " + b.shapeString() + (transB ? "^T" : "") + " (" + k + " vs " + kb + ")");
        }
        int[] batchA = Arrays.copyOf(as, as.length - 2);
        int[] batchB = Arrays.copyOf(bs, bs.length - 2);
        if (batchA.length > 0 && batchB.length > 0 && !Arrays.equals(batchA, batchB)) {
            throw new IllegalArgumentException("matmul: batch axes differ: " + a.shapeString() + " @ " + b.shapeString()
                    + " (batch axes must be equal, or one operand 2-D)");
        }
        int[] batch = batchA.length > 0 ? batchA : batchB;
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        if (batchA.length > 0 && batchB.length == 0 && !transA) {
            // (..., m, k) @ (k, n): the rows of every batch are one tall matrix, one GEMM.
            int rows = OpChecks.prod(as, 0, as.length - 1);
            Tensor flat = ShapeOps.reshape(a, rows, k);
            return ShapeOps.reshape(matmulBatched(flat, b, transA, transB, 1, rows, n, k), outShape);
        }
        return ShapeOps.reshape(matmulBatched(a, b, transA, transB, OpChecks.prod(batch, 0, batch.length), m, n, k),
                outShape);
    }

    /** x (..., in) @ w^T (out, in) + bias (out): PyTorch's Linear layout; bias may be null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        OpChecks.notNull("linear", "x", x);
        OpChecks.notNull("linear", "w", w);
        Backend be = OpChecks.sameBackend("linear", x, w, bias);
        OpChecks.minRank("linear", "x", x, 1);
        OpChecks.rank("linear", "w (out, in)", w, 2);
        int in = w.dim(1);
        int outF = w.dim(0);
        if (x.dim(-1) != in) {
            throw new IllegalArgumentException("linear: x " + x.shapeString() + " has " + x.dim(-1)
                    + " input features but w " + w.shapeString() + " expects " + in);
        }
        if (bias != null) {
            OpChecks.shape("linear", "bias", bias, outF);
        }
        int rows = OpChecks.prod(x.shape(), 0, x.rank() - 1);
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = outF;
        Tensor out = Tensor.empty(be, outShape);   // written in full: the bias rows, or the GEMM at beta 0
        float beta = 0f;
        if (bias != null) { // out rows start as the bias, then the GEMM adds into them
            be.elementwise().copyStrided(out.storage(), bias.storage(), 0, new int[]{rows, outF}, new int[]{0, 1});
            beta = 1f;
        }
        // out (rows, out) = x (rows, in) @ w^T
        be.matmul().gemm(false, true, rows, outF, in, 1f, x.storage(), 0, in, 0, w.storage(), 0, in, 0,
                beta, out.storage(), 0, outF, 0, 1);
        final int n = rows;
        return Autograd.record("linear", out, dout -> {
            if (x.requiresGrad()) { // dx (rows, in) = dout (rows, out) @ w (out, in)
                Tensor dx = Tensor.empty(be, x.shape());                      // beta 0: overwritten
                be.matmul().gemm(false, false, n, in, outF, 1f, dout.storage(), 0, outF, 0, w.storage(), 0, in, 0,
                        0f, dx.storage(), 0, in, 0, 1);
                Autograd.accumulateFresh(x, dx);
            }
            if (w.requiresGrad()) { // dw (out, in) = dout^T (out, rows) @ x (rows, in)
                Tensor dw = Tensor.empty(be, outF, in);                       // beta 0: overwritten
                be.matmul().gemm(true, false, outF, in, n, 1f, dout.storage(), 0, outF, 0, x.storage(), 0, in, 0,
                        0f, dw.storage(), 0, in, 0, 1);
                Autograd.accumulateFresh(w, dw);
            }
            if (bias != null && bias.requiresGrad()) { // db = column sums of dout
                Tensor db = Tensor.zeros(be, outF);
                be.reductions().reduce(ReduceOp.SUM, db.storage(), dout.storage(), 1, n, outF);
                Autograd.accumulateFresh(bias, db);
            }
        }, x, w, bias);
    }

    /**
     * out (batch, m, n) = op(A_i) op(B_i) over {@code batch} matrices; an operand of rank 2 is shared
     * by every batch (stride 0). Records the gradient rule.
     */
    private static Tensor matmulBatched(Tensor a, Tensor b, boolean transA, boolean transB, int batch,
                                        int m, int n, int k) {
        Backend be = a.backend();
        int[] as = a.shape();
        int[] bs = b.shape();
        int lda = as[as.length - 1];
        int ldb = bs[bs.length - 1];
        int strideA = a.rank() > 2 ? m * k : 0;
        int strideB = b.rank() > 2 ? k * n : 0;
        int strideC = m * n;
        Tensor out = Tensor.empty(be, batch, m, n);
        if (batch > 0 && m > 0 && n > 0) {
            be.matmul().gemm(transA, transB, m, n, k, 1f, a.storage(), 0, lda, strideA, b.storage(), 0, ldb, strideB,
                    0f, out.storage(), 0, n, strideC, batch);
        }
        return Autograd.record("matmul", out, dout -> {
            Storage dc = dout.storage();
            if (a.requiresGrad()) {
                Tensor da = Tensor.zeros(be, as);
                if (!transA) { // dA (m, k) = dC (m, n) @ op(B)^T
                    gemmSummed(be, false, !transB, m, k, n, dc, n, strideC, b.storage(), ldb, strideB,
                            da.storage(), lda, strideA, batch);
                } else { // A stored (k, m): dA = op(B) @ dC^T
                    gemmSummed(be, transB, true, k, m, n, b.storage(), ldb, strideB, dc, n, strideC,
                            da.storage(), lda, strideA, batch);
                }
                Autograd.accumulateFresh(a, da);
            }
            if (b.requiresGrad()) {
                Tensor db = Tensor.zeros(be, bs);
                if (!transB) { // dB (k, n) = op(A)^T @ dC
                    gemmSummed(be, !transA, false, k, n, m, a.storage(), lda, strideA, dc, n, strideC,
                            db.storage(), ldb, strideB, batch);
                } else { // B stored (n, k): dB = dC^T @ op(A)
                    gemmSummed(be, true, transA, n, k, m, dc, n, strideC, a.storage(), lda, strideA,
                            db.storage(), ldb, strideB, batch);
                }
                Autograd.accumulateFresh(b, db);
            }
        }, a, b);
    }

    /**
     * C_i = op(X_i) op(Y_i) (m, n) for i in [0, batch); when C is shared (strideC 0) the products are
     * summed into it, one GEMM per batch with beta = 1 after the first (deterministic order).
     */
    private static void gemmSummed(Backend be, boolean tx, boolean ty, int m, int n, int k,
                                   Storage x, int ldx, int strideX, Storage y, int ldy, int strideY,
                                   Storage c, int ldc, int strideC, int batch) {
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        if (strideC != 0 || batch == 1) {
            be.matmul().gemm(tx, ty, m, n, k, 1f, x, 0, ldx, strideX, y, 0, ldy, strideY,
                    0f, c, 0, ldc, strideC, batch);
            return;
        }
        for (int i = 0; i < batch; i++) {
            be.matmul().gemm(tx, ty, m, n, k, 1f, x, i * strideX, ldx, 0, y, i * strideY, ldy, 0,
                    i == 0 ? 0f : 1f, c, 0, ldc, 0, 1);
        }
    }
}
