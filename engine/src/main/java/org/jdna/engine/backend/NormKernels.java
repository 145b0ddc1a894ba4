package org.jdna.engine.backend;

/**
 * Row-wise kernels over the last axis, each a fused forward and backward pair: softmax, layer norm,
 * RMS norm, and cross-entropy (a log-softmax per row). Conventions: {@link Backend}'s.
 *
 * <p>Legend: x (rows, cols); per-row statistics (mean, rstd, losses) are (rows).
 */
public interface NormKernels {

    /** Row-wise softmax (or log-softmax) of x (rows, cols) into out (rows, cols). Numerically stable. */
    void softmax(Storage out, Storage x, int rows, int cols, boolean log);

    /**
     * Backward of {@link #softmax}: given out = softmax(x) (or log-softmax) and dout, writes dx.
     * softmax: dx = out * (dout - sum(dout * out)); log: dx = dout - exp(out) * sum(dout).
     */
    void softmaxBackward(Storage dx, Storage dout, Storage out, int rows, int cols, boolean log);

    /**
     * LayerNorm over the last axis: out = (x - mean) * rstd * w + b, x (rows, cols).
     * Saves mean (rows) and rstd (rows) for backward. w and b may be null (no affine).
     */
    void layerNorm(Storage out, Storage mean, Storage rstd, Storage x, Storage w, Storage b,
                   int rows, int cols, float eps);

    /** Backward of {@link #layerNorm}: writes dx (rows, cols), dw (cols), db (cols); dw/db may be null. */
    void layerNormBackward(Storage dx, Storage dw, Storage db, Storage dout, Storage x, Storage w,
                           Storage mean, Storage rstd, int rows, int cols);

    /** RMSNorm over the last axis: out = x * rstd * w, rstd = 1/sqrt(mean(x^2) + eps); w may be null. */
    void rmsNorm(Storage out, Storage rstd, Storage x, Storage w, int rows, int cols, float eps);

    /** Backward of {@link #rmsNorm}: writes dx and dw (dw may be null). */
    void rmsNormBackward(Storage dx, Storage dw, Storage dout, Storage x, Storage w, Storage rstd,
                         int rows, int cols);

    /**
     * Per-row cross-entropy of logits (rows, cols) against targets: losses[r] = logsumexp(x_r) -
     * x_r[target_r], and 0 where target_r == ignoreIndex. A target outside [0, cols) that is not
     * ignoreIndex is an IndexOutOfBoundsException.
     */
    void crossEntropy(Storage losses, Storage logits, int[] targets, int rows, int cols, int ignoreIndex);

    /** dlogits[r] = dlosses[r] * (softmax(x_r) - onehot(target_r)); a zero row where ignored. */
    void crossEntropyBackward(Storage dlogits, Storage dlosses, Storage logits, int[] targets,
                              int rows, int cols, int ignoreIndex);
}
