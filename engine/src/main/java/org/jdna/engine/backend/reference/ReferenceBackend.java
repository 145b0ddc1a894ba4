package org.jdna.engine.backend.reference;

import org.jdna.engine.backend.*;

/** Placeholder: being written. */
public final class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    @Override public String name() { return "reference"; }
    @Override public Storage allocate(int length) { throw new UnsupportedOperationException(); }
    @Override public void copyIn(Storage dst, int dstOff, float[] src, int srcOff, int len) { throw new UnsupportedOperationException(); }
    @Override public void copyOut(Storage src, int srcOff, float[] dst, int dstOff, int len) { throw new UnsupportedOperationException(); }
    @Override public void copy(Storage dst, int dstOff, Storage src, int srcOff, int len) { throw new UnsupportedOperationException(); }
    @Override public void fill(Storage dst, int off, int len, float value) { throw new UnsupportedOperationException(); }
    @Override public void copyStrided(Storage dst, Storage src, int srcOff, int[] shape, int[] srcStrides) { throw new UnsupportedOperationException(); }
    @Override public void unary(UnaryOp op, Storage out, Storage x, int n, float alpha) { throw new UnsupportedOperationException(); }
    @Override public void unaryBackward(UnaryOp op, Storage dx, Storage dout, Storage x, int n, float alpha) { throw new UnsupportedOperationException(); }
    @Override public void binary(BinaryOp op, Storage out, int[] shape, Storage a, int[] aStrides, Storage b, int[] bStrides) { throw new UnsupportedOperationException(); }
    @Override public void where(Storage out, Storage mask, Storage a, Storage b, int n) { throw new UnsupportedOperationException(); }
    @Override public void addScaled(Storage y, int yOff, Storage x, int xOff, int n, float alpha) { throw new UnsupportedOperationException(); }
    @Override public void reduce(ReduceOp op, Storage out, Storage x, int outer, int len, int inner) { throw new UnsupportedOperationException(); }
    @Override public double sumOfSquares(Storage x, int off, int n) { throw new UnsupportedOperationException(); }
    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Storage a, int aOff, int lda, int strideA, Storage b, int bOff, int ldb, int strideB, float beta, Storage c, int cOff, int ldc, int strideC, int batch) { throw new UnsupportedOperationException(); }
    @Override public void softmax(Storage out, Storage x, int rows, int cols, boolean log) { throw new UnsupportedOperationException(); }
    @Override public void softmaxBackward(Storage dx, Storage dout, Storage out, int rows, int cols, boolean log) { throw new UnsupportedOperationException(); }
    @Override public void layerNorm(Storage out, Storage mean, Storage rstd, Storage x, Storage w, Storage b, int rows, int cols, float eps) { throw new UnsupportedOperationException(); }
    @Override public void layerNormBackward(Storage dx, Storage dw, Storage db, Storage dout, Storage x, Storage w, Storage mean, Storage rstd, int rows, int cols) { throw new UnsupportedOperationException(); }
    @Override public void rmsNorm(Storage out, Storage rstd, Storage x, Storage w, int rows, int cols, float eps) { throw new UnsupportedOperationException(); }
    @Override public void rmsNormBackward(Storage dx, Storage dw, Storage dout, Storage x, Storage w, Storage rstd, int rows, int cols) { throw new UnsupportedOperationException(); }
    @Override public void crossEntropy(Storage losses, Storage logits, int[] targets, int rows, int cols, int ignoreIndex) { throw new UnsupportedOperationException(); }
    @Override public void crossEntropyBackward(Storage dlogits, Storage dlosses, Storage logits, int[] targets, int rows, int cols, int ignoreIndex) { throw new UnsupportedOperationException(); }
    @Override public void indexSelectRows(Storage out, Storage src, int[] rows, int count, int width) { throw new UnsupportedOperationException(); }
    @Override public void indexAddRows(Storage dst, Storage src, int[] rows, int count, int width) { throw new UnsupportedOperationException(); }
    @Override public void gather(Storage out, Storage x, int[] idx, int outer, int len, int inner, int idxLen) { throw new UnsupportedOperationException(); }
    @Override public void scatterAdd(Storage dx, Storage dout, int[] idx, int outer, int len, int inner, int idxLen) { throw new UnsupportedOperationException(); }
    @Override public void attention(Storage out, Storage lse, Storage q, Storage k, Storage v, int[] segments, int heads, int headDim, boolean causal, Storage mask, int maskSegmentStride, float scale) { throw new UnsupportedOperationException(); }
    @Override public void attentionBackward(Storage dq, Storage dk, Storage dv, Storage dout, Storage q, Storage k, Storage v, Storage out, Storage lse, int[] segments, int heads, int headDim, boolean causal, Storage mask, int maskSegmentStride, float scale) { throw new UnsupportedOperationException(); }
    @Override public void adamw(Storage p, Storage m, Storage v, Storage g, int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step) { throw new UnsupportedOperationException(); }
    @Override public void topk(int[] indices, Storage weights, Storage probs, Storage logits, float[] bias, int rows, int experts, int k, boolean renormalize) { throw new UnsupportedOperationException(); }
    @Override public void topkBackward(Storage dlogits, Storage dweights, Storage probs, int[] indices, int rows, int experts, int k, boolean renormalize) { throw new UnsupportedOperationException(); }
    @Override public void combine(Storage out, Storage y, Storage weights, int[] slotRows, int tokens, int k, int width) { throw new UnsupportedOperationException(); }
    @Override public void combineBackward(Storage dy, Storage dweights, Storage dout, Storage y, Storage weights, int[] slotRows, int tokens, int k, int width) { throw new UnsupportedOperationException(); }
}
