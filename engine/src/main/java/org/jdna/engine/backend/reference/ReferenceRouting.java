package org.jdna.engine.backend.reference;

/**
 * The routing primitives: row gather/scatter-add, gather along an axis, router top-k and the
 * weighted combine, forward and backward. Every index is checked against the storage it points
 * into; additions run in increasing index order in float, which defines the deterministic result.
 *
 * <p>Legend: R rows (tokens), E experts/modules, K top-k, W row width, T tokens of a combine,
 * (O, L, I) the (outer, len, inner) view of a gather with J = idxLen gathered positions.
 */
final class ReferenceRouting {
    private ReferenceRouting() {
    }

    // ---------------------------------------------------------------- row gather / scatter-add

    /** out[i, :] = src[rows[i], :], i in [0, count). */
    static void indexSelectRows(float[] out, float[] src, int srcLength, int[] rows, int count, int width) {
        for (int i = 0; i < count; i++) {
            int row = checkedRow("indexSelectRows", rows[i], i, srcLength, width);
            System.arraycopy(src, row * width, out, i * width, width);
        }
    }

    /** dst[rows[i], :] += src[i, :], in increasing i. */
    static void indexAddRows(float[] dst, int dstLength, float[] src, int[] rows, int count, int width) {
        for (int i = 0; i < count; i++) {
            int row = checkedRow("indexAddRows", rows[i], i, dstLength, width);
            for (int c = 0; c < width; c++) {
                dst[row * width + c] += src[i * width + c];
            }
        }
    }

    /** out[o, j, i] = x[o, idx[o, j, i], i]; out (O, J, I), x (O, L, I). */
    static void gather(float[] out, float[] x, int[] idx, int outer, int len, int inner, int idxLen) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idxLen; j++) {
                for (int i = 0; i < inner; i++) {
                    int at = (o * idxLen + j) * inner + i;
                    int l = checkedIndex("gather", idx[at], at, len);
                    out[at] = x[(o * len + l) * inner + i];
                }
            }
        }
    }

    /** dx[o, idx[o, j, i], i] += dout[o, j, i], in increasing j. */
    static void scatterAdd(float[] dx, float[] dout, int[] idx, int outer, int len, int inner, int idxLen) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idxLen; j++) {
                for (int i = 0; i < inner; i++) {
                    int at = (o * idxLen + j) * inner + i;
                    int l = checkedIndex("scatterAdd", idx[at], at, len);
                    dx[(o * len + l) * inner + i] += dout[at];
                }
            }
        }
    }

    // ---------------------------------------------------------------- top-k

    /**
     * probs (R, E) = softmax(logits); per row the K largest of score = probs + bias (float sum),
     * by repeated arg-max with strict '>' (ties go to the lower index), so in descending order.
     * weights (R, K) = the chosen probs, divided by their (double) sum when renormalize.
     */
    static void topk(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
                     int rows, int experts, int k, boolean renormalize) {
        ReferenceNorms.softmax(probs, logits, rows, experts, false);
        float[] score = new float[experts];
        boolean[] taken = new boolean[experts];
        for (int r = 0; r < rows; r++) {
            int base = r * experts;
            for (int e = 0; e < experts; e++) {
                if (Float.isNaN(logits[base + e])) {
                    throw new ArithmeticException("topk: NaN in row " + r + " at expert " + e + " (logit "
                            + logits[base + e] + ")");
                }
            }
            for (int e = 0; e < experts; e++) {
                score[e] = bias == null ? probs[base + e] : probs[base + e] + bias[e];
                if (Float.isNaN(score[e])) {
                    throw new ArithmeticException("topk: NaN in row " + r + " at expert " + e + " (logit "
                            + logits[base + e] + ", prob " + probs[base + e]
                            + (bias == null ? "" : ", bias " + bias[e]) + ")");
                }
                taken[e] = false;
            }
            double chosenSum = 0;
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (!taken[e] && (best < 0 || score[e] > score[best])) {
                        best = e;
                    }
                }
                taken[best] = true;
                indices[r * k + j] = best;
                chosenSum += probs[base + best];
            }
            for (int j = 0; j < k; j++) {
                double p = probs[base + indices[r * k + j]];
                weights[r * k + j] = (float) (renormalize ? p / chosenSum : p);
            }
        }
    }

    /**
     * Through the weights only. dprobs[e] = sum over j with indices[j] == e of dw'[j], where
     * dw' = dweights, or with renormalization (w_j = p_j / S, S = sum of chosen p):
     * dw'_j = (dweights_j - sum_l dweights_l * w_l) / S. Then dlogits = p * (dprobs - sum(dprobs * p)).
     */
    static void topkBackward(float[] dlogits, float[] dweights, float[] probs, int[] indices,
                             int rows, int experts, int k, boolean renormalize) {
        double[] dprobs = new double[experts];
        for (int r = 0; r < rows; r++) {
            int base = r * experts;
            java.util.Arrays.fill(dprobs, 0.0);
            double chosenSum = 0;
            for (int j = 0; j < k; j++) {
                chosenSum += probs[base + checkedIndex("topkBackward", indices[r * k + j], r * k + j, experts)];
            }
            double dotWeights = 0;
            if (renormalize) {
                for (int j = 0; j < k; j++) {
                    dotWeights += (double) dweights[r * k + j] * (probs[base + indices[r * k + j]] / chosenSum);
                }
            }
            for (int j = 0; j < k; j++) {
                double g = dweights[r * k + j];
                dprobs[indices[r * k + j]] += renormalize ? (g - dotWeights) / chosenSum : g;
            }
            double s = 0;
            for (int e = 0; e < experts; e++) {
                s += dprobs[e] * probs[base + e];
            }
            for (int e = 0; e < experts; e++) {
                dlogits[base + e] = (float) (probs[base + e] * (dprobs[e] - s));
            }
        }
    }

    // ---------------------------------------------------------------- combine

    /** out[t, :] = sum_j weights[t, j] * y[slotRows[t, j], :], skipping -1 slots, j = 0..K-1 in double. */
    static void combine(float[] out, float[] y, int yLength, float[] weights, int[] slotRows, int tokens, int k,
                        int width) {
        double[] acc = new double[width];
        for (int t = 0; t < tokens; t++) {
            java.util.Arrays.fill(acc, 0.0);
            for (int j = 0; j < k; j++) {
                int slot = slotRows[t * k + j];
                if (slot == -1) {
                    continue;
                }
                checkedRow("combine", slot, t * k + j, yLength, width);
                double w = weights[t * k + j];
                for (int c = 0; c < width; c++) {
                    acc[c] += w * y[slot * width + c];
                }
            }
            for (int c = 0; c < width; c++) {
                out[t * width + c] = (float) acc[c];
            }
        }
    }

    /** dy[slot, :] = weights[t, j] * dout[t, :]; dweights[t, j] = dout[t, :] . y[slot, :] (0 for -1). */
    static void combineBackward(float[] dy, float[] dweights, float[] dout, float[] y, int yLength, float[] weights,
                                int[] slotRows, int tokens, int k, int width) {
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < k; j++) {
                int slot = slotRows[t * k + j];
                if (slot == -1) {
                    dweights[t * k + j] = 0f;
                    continue;
                }
                checkedRow("combineBackward", slot, t * k + j, yLength, width);
                double w = weights[t * k + j];
                double dot = 0;
                for (int c = 0; c < width; c++) {
                    dy[slot * width + c] = (float) (w * dout[t * width + c]);
                    dot += (double) dout[t * width + c] * y[slot * width + c];
                }
                dweights[t * k + j] = (float) dot;
            }
        }
    }

    // ---------------------------------------------------------------- index checks

    /** A row index into a storage of storageLength floats seen as rows of width floats. */
    private static int checkedRow(String op, int row, int position, int storageLength, int width) {
        int available = width == 0 ? Integer.MAX_VALUE : storageLength / width;
        if (row < 0 || row >= available) {
            throw new IndexOutOfBoundsException(op + ": row index " + row + " at position " + position
                    + " outside [0, " + available + ") (storage of " + storageLength + " floats, rows of " + width + ")");
        }
        return row;
    }

    static int checkedIndex(String op, int index, int position, int bound) {
        if (index < 0 || index >= bound) {
            throw new IndexOutOfBoundsException(op + ": index " + index + " at position " + position
                    + " outside [0, " + bound + ")");
        }
        return index;
    }
}
