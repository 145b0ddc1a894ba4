package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Router top-k over a range of rows, forward and backward: the bodies behind
 * {@link SimdRouting#topk} and {@link SimdRouting#topkBackward}.
 *
 * <p>Forward, per row: probs = softmax(logits), then the K largest of score = probs + bias, in
 * descending order, ties to the lower index (what the reference's repeated arg-max with strict '>'
 * selects). Two paths:
 * <ul>
 *   <li>E a multiple of the lane count and K &lt;= {@value #VECTOR_MAX_K} (the routers of the
 *       model: E = 16, K = 1 or 2): no masks, every horizontal max or sum a butterfly of lane
 *       swaps that leaves the result in all lanes, and each pick found as the first lane equal to
 *       the row's best score (a compare and a move-mask), previous picks blended out;</li>
 *   <li>otherwise: the masked vector softmax and one scalar pass that keeps the K best sorted by
 *       insertion (strict '>' to enter or move up, so equal scores keep index order).</li>
 * </ul>
 * NaN costs one test per row: a NaN or infinite logit makes the row's sum of exponentials NaN
 * (finite logits give a sum in [1, E]), and a NaN bias is found once per call; then the row is
 * scanned again for the reference's message.
 *
 * <p>Every probability, tail included, goes through the same vector exp, so equal logits give
 * bit-equal probabilities and ties stay ties.
 *
 * <p>Legend: R rows, E experts, K picks per row, L lanes; row r of logits/probs is [r*E, r*E + E),
 * its picks indices/weights [r*K, r*K + K).
 */
final class SimdTopK {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** The largest K the vector path picks by rounds of arg-max (each round costs E/L * picks). */
    static final int VECTOR_MAX_K = 4;
    /** Lane numbers as floats, to compare with a picked index. */
    private static final FloatVector IOTA = S == null ? null : FloatVector.zero(S).addIndex(1);
    /** Lane i <- lane (i xor d), for the butterfly reductions; null where d >= L. */
    private static final VectorShuffle<Float> XOR_1 = xorShuffle(1);
    private static final VectorShuffle<Float> XOR_2 = xorShuffle(2);
    private static final VectorShuffle<Float> XOR_4 = xorShuffle(4);
    private static final VectorShuffle<Float> XOR_8 = xorShuffle(8);

    private SimdTopK() {
    }

    private static VectorShuffle<Float> xorShuffle(int d) {
        if (S == null || d >= L) {
            return null;
        }
        int[] lanes = new int[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = i ^ d;
        }
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    // ---------------------------------------------------------------- forward

    /** Rows [from, to) of topk; see the class comment. */
    static void topkRange(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
                          int experts, int k, boolean renormalize, int from, int to) {
        boolean biasNaN = hasNaN(bias, experts);
        boolean vector = S != null && experts % L == 0 && k <= VECTOR_MAX_K;
        for (int r = from; r < to; r++) {
            int base = r * experts;
            float sum = vector ? softmaxRowUnmasked(probs, logits, base, experts) : softmaxRow(probs, logits, base, experts);
            if (sum != sum || biasNaN) {
                throw nanInRow(r, probs, logits, bias, base, experts);
            }
            if (vector) {
                pickByRounds(indices, probs, bias, base, experts, r * k, k);
            } else {
                pickByInsertion(indices, weights, probs, bias, base, experts, r * k, k);
            }
            writeWeights(weights, indices, probs, base, r * k, k, renormalize);
        }
    }

    /** weights[at + j] = probs of pick j, divided by the (double) sum of the picks when renormalize. */
    private static void writeWeights(float[] weights, int[] indices, float[] probs, int base, int at, int k,
                                     boolean renormalize) {
        if (!renormalize) {
            for (int j = 0; j < k; j++) {
                weights[at + j] = probs[base + indices[at + j]];
            }
            return;
        }
        double chosenSum = 0;
        for (int j = 0; j < k; j++) {
            chosenSum += probs[base + indices[at + j]];
        }
        for (int j = 0; j < k; j++) {
            weights[at + j] = (float) (probs[base + indices[at + j]] / chosenSum);
        }
    }

    /**
     * The vector softmax of one row whose length E is a multiple of L; returns the sum of the
     * exponentials (NaN when a logit is NaN or infinite). The max and the sum are butterflies, so
     * the shift and the scale arrive in every lane without a scalar round trip.
     */
    private static float softmaxRowUnmasked(float[] probs, float[] logits, int base, int experts) {
        FloatVector max = FloatVector.fromArray(S, logits, base);
        for (int c = L; c < experts; c += L) {
            max = greater(max, FloatVector.fromArray(S, logits, base + c));
        }
        max = allLanesMax(max);
        FloatVector sum = FloatVector.zero(S);
        for (int c = 0; c < experts; c += L) {
            FloatVector e = FloatVector.fromArray(S, logits, base + c).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(probs, base + c);
            sum = sum.add(e);
        }
        sum = allLanesSum(sum);
        FloatVector inv = FloatVector.broadcast(S, 1f).div(sum);
        for (int c = 0; c < experts; c += L) {
            FloatVector.fromArray(S, probs, base + c).mul(inv).intoArray(probs, base + c);
        }
        return sum.lane(0);
    }

    /**
     * The K picks of one row, K rounds of: the best score among the lanes not yet picked (-inf
     * blended into picked lanes, then a max butterfly), then the first such lane equal to it. A
     * picked lane is excluded from the search by its mask bit, not by its -inf, so a row of -inf
     * scores still picks distinct experts in index order.
     */
    private static void pickByRounds(int[] indices, float[] probs, float[] bias, int base, int experts, int at, int k) {
        for (int j = 0; j < k; j++) {
            FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int c = 0; c < experts; c += L) {
                FloatVector s = score(probs, bias, base, c);
                best = greater(best, s.blend(Float.NEGATIVE_INFINITY, picked(indices, at, j, c)));
            }
            best = allLanesMax(best);
            for (int c = 0; ; c += L) {
                long lanes = score(probs, bias, base, c).compare(VectorOperators.EQ, best)
                        .andNot(picked(indices, at, j, c)).toLong();
                if (lanes != 0) {
                    indices[at + j] = c + Long.numberOfTrailingZeros(lanes);
                    break;
                }
            }
        }
    }

    /** Lanes of chunk c (experts c .. c+L-1) holding one of the first j picks. */
    private static VectorMask<Float> picked(int[] indices, int at, int j, int c) {
        VectorMask<Float> m = S.maskAll(false);
        for (int i = 0; i < j; i++) {
            m = m.or(IOTA.compare(VectorOperators.EQ, indices[at + i] - c));
        }
        return m;
    }

    private static FloatVector score(float[] probs, float[] bias, int base, int c) {
        FloatVector p = FloatVector.fromArray(S, probs, base + c);
        return bias == null ? p : p.add(FloatVector.fromArray(S, bias, c));
    }

    /** Lane-wise b where b > a, else a: the max of NaN-free lanes in two instructions. */
    private static FloatVector greater(FloatVector a, FloatVector b) {
        return a.blend(b, b.compare(VectorOperators.GT, a));
    }

    /** Every lane = the max of v's (NaN-free) lanes. */
    private static FloatVector allLanesMax(FloatVector v) {
        if (L > 8) {
            v = greater(v, v.rearrange(XOR_8));
        }
        if (L > 4) {
            v = greater(v, v.rearrange(XOR_4));
        }
        if (L > 2) {
            v = greater(v, v.rearrange(XOR_2));
        }
        if (L > 1) {
            v = greater(v, v.rearrange(XOR_1));
        }
        return v;
    }

    /** Every lane = the sum of v's lanes (the same sum in each lane: float addition commutes). */
    private static FloatVector allLanesSum(FloatVector v) {
        if (L > 8) {
            v = v.add(v.rearrange(XOR_8));
        }
        if (L > 4) {
            v = v.add(v.rearrange(XOR_4));
        }
        if (L > 2) {
            v = v.add(v.rearrange(XOR_2));
        }
        if (L > 1) {
            v = v.add(v.rearrange(XOR_1));
        }
        return v;
    }

    /**
     * probs[base .. base+E) = softmax of the logits there, any E (masked vector chunks, or scalar
     * without a species); returns the sum of the exponentials. Every element, tail included, goes
     * through the same exp, so equal logits give bit-equal probabilities.
     */
    private static float softmaxRow(float[] probs, float[] logits, int base, int n) {
        if (S == null) {
            float max = VectorOps.max(logits, base, n);
            float sum = VectorOps.expShifted(probs, base, logits, base, n, max);
            VectorOps.scaleShift(probs, base, probs, base, n, 1f / sum, 0f);
            return sum;
        }
        FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            maxV = maxV.max(FloatVector.fromArray(S, logits, base + i, m).blend(Float.NEGATIVE_INFINITY, m.not()));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        FloatVector sumV = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = FloatVector.fromArray(S, logits, base + i, m).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(probs, base + i, m);
            sumV = sumV.add(e, m);
        }
        float sum = sumV.reduceLanes(VectorOperators.ADD);
        float inv = 1f / sum;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, probs, base + i, m).mul(inv).intoArray(probs, base + i, m);
        }
        return sum;
    }

    /**
     * One scalar pass keeping the K best of the row sorted in indices[at ..), their scores in
     * weights[at ..) meanwhile (overwritten by the weights afterwards). A score enters when
     * greater than the kept K-th and moves up past strictly smaller ones only.
     */
    private static void pickByInsertion(int[] indices, float[] weights, float[] probs, float[] bias, int base,
                                        int experts, int at, int k) {
        if (k == 0) {
            return;
        }
        int kept = 0;
        for (int e = 0; e < experts; e++) {
            float s = bias == null ? probs[base + e] : probs[base + e] + bias[e];
            if (kept == k && !(s > weights[at + k - 1])) {
                continue;
            }
            int pos = kept < k ? kept++ : k - 1;
            for (; pos > 0 && s > weights[at + pos - 1]; pos--) {
                weights[at + pos] = weights[at + pos - 1];
                indices[at + pos] = indices[at + pos - 1];
            }
            weights[at + pos] = s;
            indices[at + pos] = e;
        }
    }

    private static boolean hasNaN(float[] x, int n) {
        if (x == null) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(x[i])) {
                return true;
            }
        }
        return false;
    }

    /** The reference's message: the first NaN logit of the row, else the first NaN score. */
    private static ArithmeticException nanInRow(int r, float[] probs, float[] logits, float[] bias, int base,
                                                int experts) {
        for (int e = 0; e < experts; e++) {
            if (Float.isNaN(logits[base + e])) {
                return new ArithmeticException("topk: NaN in row " + r + " at expert " + e + " (logit "
                        + logits[base + e] + ")");
            }
        }
        for (int e = 0; e < experts; e++) {
            float score = bias == null ? probs[base + e] : probs[base + e] + bias[e];
            if (Float.isNaN(score)) {
                return new ArithmeticException("topk: NaN in row " + r + " at expert " + e + " (logit "
                        + logits[base + e] + ", prob " + probs[base + e]
                        + (bias == null ? "" : ", bias " + bias[e]) + ")");
            }
        }
        return new ArithmeticException("topk: NaN in row " + r);
    }

    // ---------------------------------------------------------------- backward

    /**
     * Rows [from, to) of topkBackward. Only the K picked experts have dprobs != 0, so
     * s = sum(dprobs * p) is a sum over the picks (in double, as the reference), the row is
     * dlogits = p * (-s) in one vector pass, and the picked entries are then set to
     * p * (dprobs - s), duplicates of an index summed in pick order.
     */
    static void topkBackwardRange(float[] dlogits, float[] dweights, float[] probs, int[] indices,
                                  int experts, int k, boolean renormalize, int from, int to) {
        for (int r = from; r < to; r++) {
            int base = r * experts;
            int at = r * k;
            double chosenSum = 0;
            double dotWeights = 0;
            if (renormalize) {
                for (int j = 0; j < k; j++) {
                    chosenSum += probs[base + indices[at + j]];
                }
                for (int j = 0; j < k; j++) {
                    dotWeights += (double) dweights[at + j] * (probs[base + indices[at + j]] / chosenSum);
                }
            }
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += dprob(dweights[at + j], dotWeights, chosenSum, renormalize) * probs[base + indices[at + j]];
            }
            VectorOps.scaleShift(dlogits, base, probs, base, experts, (float) -s, 0f);
            for (int j = 0; j < k; j++) {
                int e = indices[at + j];
                double dp = 0;
                for (int i = 0; i < k; i++) {
                    if (indices[at + i] == e) {
                        dp += dprob(dweights[at + i], dotWeights, chosenSum, renormalize);
                    }
                }
                dlogits[base + e] = (float) (probs[base + e] * (dp - s));
            }
        }
    }

    /** d(loss)/d(prob) of one pick: its dweight, or through the renormalisation w = p / sum. */
    private static double dprob(float dweight, double dotWeights, double chosenSum, boolean renormalize) {
        return renormalize ? (dweight - dotWeights) / chosenSum : dweight;
    }
}
