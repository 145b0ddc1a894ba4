package org.jdna.engine.backend.reference;

import static org.jdna.engine.backend.HeapStorage.array;
import static org.jdna.engine.backend.HeapStorage.arrayOrNull;

import java.util.Arrays;

import org.jdna.engine.backend.AttentionKernels;
import org.jdna.engine.backend.HeapStorage;
import org.jdna.engine.backend.Storage;

/**
 * Scaled-dot-product attention over variable-length segments, forward and backward, written as
 * the textbook formulas: for each segment, head and query row, the full score row in double.
 *
 * <p>Legend: N total rows (= segments[S]), S segments, L length of one segment, H heads,
 * Dh head dim, W = H * Dh the row width of q, k, v, out. Row i of head h starts at i*W + h*Dh.
 * p is the query's position within its segment, u the key's. The packed pair copies q | k | v out of
 * qkv (rows, 3W) and runs the separate one.
 */
final class ReferenceAttention implements AttentionKernels {

    /**
     * out (N, W), lse (H, N): for each query, P = softmax over allowed keys of scale * q.k,
     * out = P @ v, lse = logsumexp of the allowed scores; nothing allowed: out 0, lse -infinity.
     */
    @Override
    public void forward(Storage outS, Storage lseS, Storage qS, Storage kS, Storage vS, int[] segments, int heads,
                        int headDim, boolean causal, Storage maskS, int maskSegmentStride, float scale) {
        float[] out = array(outS), lse = array(lseS), q = array(qS), k = array(kS), v = array(vS),
                mask = arrayOrNull(maskS);
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
    @Override
    public void backward(Storage dqS, Storage dkS, Storage dvS, Storage doutS, Storage qS, Storage kS, Storage vS,
                         Storage outS, Storage lseS, int[] segments, int heads, int headDim, boolean causal,
                         Storage maskS, int maskSegmentStride, float scale) {
        float[] dq = array(dqS), dk = array(dkS), dv = array(dvS), dout = array(doutS), q = array(qS), k = array(kS),
                v = array(vS), out = array(outS), lse = array(lseS), mask = arrayOrNull(maskS);
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

    @Override
    public void forwardPacked(Storage out, Storage lse, Storage qkv, int[] segments, int heads, int headDim,
                              boolean causal, Storage mask, int maskSegmentStride, float scale) {
        Storage[] qkvParts = unpack(qkv, segments[segments.length - 1], heads * headDim);
        forward(out, lse, qkvParts[0], qkvParts[1], qkvParts[2], segments, heads, headDim, causal, mask,
                maskSegmentStride, scale);
    }

    /** The separate backward into dq, dk, dv, then dqkv (rows, 3W) row by row: dq_r | dk_r | dv_r. */
    @Override
    public void backwardPacked(Storage dqkvS, Storage dout, Storage qkv, Storage out, Storage lse, int[] segments,
                               int heads, int headDim, boolean causal, Storage mask, int maskSegmentStride,
                               float scale) {
        int rows = segments[segments.length - 1];
        int w = heads * headDim;
        Storage[] qkvParts = unpack(qkv, rows, w);
        Storage[] grads = new Storage[3];
        for (int part = 0; part < 3; part++) {
            grads[part] = new HeapStorage(qkv.backend(), rows * w);
        }
        backward(grads[0], grads[1], grads[2], dout, qkvParts[0], qkvParts[1], qkvParts[2], out, lse, segments, heads,
                headDim, causal, mask, maskSegmentStride, scale);
        float[] dqkv = array(dqkvS);
        for (int part = 0; part < 3; part++) {
            float[] grad = array(grads[part]);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(grad, r * w, dqkv, r * 3 * w + part * w, w);
            }
        }
    }

    /** The formula of AttentionKernels#rotary, row by row and pair by pair. */
    @Override
    public void rotary(Storage outS, Storage xS, int[] positions, Storage cosS, Storage sinS, int width,
                       int rotatedHeads, int headDim, boolean inverse) {
        float[] out = array(outS);
        float[] x = array(xS);
        float[] cos = array(cosS);
        float[] sin = array(sinS);
        int half = headDim / 2;
        for (int r = 0; r < positions.length; r++) {
            int row = r * width;
            int table = positions[r] * half;
            for (int h = 0; h < rotatedHeads; h++) {
                int head = row + h * headDim;
                for (int i = 0; i < half; i++) {
                    float c = cos[table + i];
                    float s = inverse ? -sin[table + i] : sin[table + i];
                    float lo = x[head + i];
                    float hi = x[head + half + i];
                    out[head + i] = lo * c - hi * s;
                    out[head + half + i] = hi * c + lo * s;
                }
            }
            for (int col = rotatedHeads * headDim; col < width; col++) {
                out[row + col] = x[row + col];
            }
        }
    }

    /** q, k, v (rows, W) copied out of qkv (rows, 3W), in storages of qkv's backend. */
    private static Storage[] unpack(Storage qkvS, int rows, int w) {
        float[] qkv = array(qkvS);
        Storage[] parts = new Storage[3];
        for (int part = 0; part < 3; part++) {
            float[] block = new float[rows * w];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(qkv, r * 3 * w + part * w, block, r * w, w);
            }
            parts[part] = new HeapStorage(qkvS.backend(), block);
        }
        return parts;
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
