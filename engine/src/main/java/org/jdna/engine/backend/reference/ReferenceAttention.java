package org.jdna.engine.backend.reference;

import java.util.Arrays;

/**
 * Scaled-dot-product attention over variable-length segments, forward and backward, written as
 * the textbook formulas: for each segment, head and query row, the full score row in double.
 *
 * <p>Legend: N total rows (= segments[S]), S segments, L length of one segment, H heads,
 * Dh head dim, W = H * Dh the row width of q, k, v, out. Row i of head h starts at i*W + h*Dh.
 * p is the query's position within its segment, u the key's.
 */
final class ReferenceAttention {
    private ReferenceAttention() {
    }

    /**
     * out (N, W), lse (H, N): for each query, P = softmax over allowed keys of scale * q.k,
     * out = P @ v, lse = logsumexp of the allowed scores; nothing allowed: out 0, lse -infinity.
     */
    static void forward(float[] out, float[] lse, float[] q, float[] k, float[] v, int[] segments,
                        int heads, int headDim, boolean causal, float[] mask, int maskSegmentStride, float scale) {
        int width = heads * headDim;
        int totalRows = segments[segments.length - 1];
        for (int s = 0; s + 1 < segments.length; s++) {
            int start = segments[s];
            int len = segments[s + 1] - start;
            double[] scores = new double[len];
            double[] acc = new double[headDim];
            for (int h = 0; h < heads; h++) {
                for (int p = 0; p < len; p++) {
                    int qBase = (start + p) * width + h * headDim;
                    double max = scores(scores, q, k, qBase, start, len, p, h, headDim, width, causal,
                            mask, s * maskSegmentStride, scale);
                    Arrays.fill(acc, 0.0);
                    double rowLse = Double.NEGATIVE_INFINITY;
                    if (max != Double.NEGATIVE_INFINITY) {
                        double sum = 0;
                        for (int u = 0; u < len; u++) {
                            sum += Math.exp(scores[u] - max);
                        }
                        rowLse = max + Math.log(sum);
                        for (int u = 0; u < len; u++) {
                            double prob = Math.exp(scores[u] - rowLse);
                            if (prob == 0) {
                                continue;
                            }
                            int vBase = (start + u) * width + h * headDim;
                            for (int d = 0; d < headDim; d++) {
                                acc[d] += prob * v[vBase + d];
                            }
                        }
                    }
                    for (int d = 0; d < headDim; d++) {
                        out[qBase + d] = (float) acc[d];
                    }
                    lse[h * totalRows + start + p] = (float) rowLse;
                }
            }
        }
    }

    /**
     * With P = exp(scores - lse) (recomputed from the saved lse) and D = dout . out per query:
     * dv_u += P_u dout; dS_u = P_u (dout . v_u - D); dq += scale dS_u k_u; dk_u += scale dS_u q.
     * dq, dk, dv are overwritten (zero where a row belongs to no segment).
     */
    static void backward(float[] dq, float[] dk, float[] dv, float[] dout, float[] q, float[] k, float[] v,
                         float[] out, float[] lse, int[] segments, int heads, int headDim, boolean causal,
                         float[] mask, int maskSegmentStride, float scale) {
        int width = heads * headDim;
        int totalRows = segments[segments.length - 1];
        double[] dqAcc = new double[totalRows * width];
        double[] dkAcc = new double[totalRows * width];
        double[] dvAcc = new double[totalRows * width];
        for (int s = 0; s + 1 < segments.length; s++) {
            int start = segments[s];
            int len = segments[s + 1] - start;
            double[] scores = new double[len];
            for (int h = 0; h < heads; h++) {
                for (int p = 0; p < len; p++) {
                    int qBase = (start + p) * width + h * headDim;
                    double rowLse = lse[h * totalRows + start + p];
                    if (rowLse == Double.NEGATIVE_INFINITY) {
                        continue; // attended to nothing: out was constant 0
                    }
                    scores(scores, q, k, qBase, start, len, p, h, headDim, width, causal,
                            mask, s * maskSegmentStride, scale);
                    double rowD = 0;
                    for (int d = 0; d < headDim; d++) {
                        rowD += (double) dout[qBase + d] * out[qBase + d];
                    }
                    for (int u = 0; u < len; u++) {
                        double prob = Math.exp(scores[u] - rowLse);
                        if (prob == 0) {
                            continue;
                        }
                        int kvBase = (start + u) * width + h * headDim;
                        double dProb = 0;
                        for (int d = 0; d < headDim; d++) {
                            dProb += (double) dout[qBase + d] * v[kvBase + d];
                            dvAcc[kvBase + d] += prob * dout[qBase + d];
                        }
                        double dScore = prob * (dProb - rowD) * scale;
                        for (int d = 0; d < headDim; d++) {
                            dqAcc[qBase + d] += dScore * k[kvBase + d];
                            dkAcc[kvBase + d] += dScore * q[qBase + d];
                        }
                    }
                }
            }
        }
        for (int i = 0; i < totalRows * width; i++) {
            dq[i] = (float) dqAcc[i];
            dk[i] = (float) dkAcc[i];
            dv[i] = (float) dvAcc[i];
        }
    }

    /**
     * Fills scores[0 .. len) for the query at position p (head h) of the segment starting at row
     * start: scale * q.k_u where allowed, -infinity elsewhere. Returns the max (-infinity if none).
     */
    private static double scores(double[] scores, float[] q, float[] k, int qBase, int start, int len, int p,
                                 int h, int headDim, int width, boolean causal, float[] mask, int maskBase,
                                 float scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (int u = 0; u < len; u++) {
            boolean allowed = (!causal || u <= p) && (mask == null || mask[maskBase + p * len + u] != 0f);
            if (!allowed) {
                scores[u] = Double.NEGATIVE_INFINITY;
                continue;
            }
            int kBase = (start + u) * width + h * headDim;
            double dot = 0;
            for (int d = 0; d < headDim; d++) {
                dot += (double) q[qBase + d] * k[kBase + d];
            }
            scores[u] = scale * dot;
            max = Math.max(max, scores[u]);
        }
        return max;
    }
}
