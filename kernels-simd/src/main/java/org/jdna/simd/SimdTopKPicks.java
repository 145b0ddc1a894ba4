package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The picks of {@link SimdTopK}: the K best experts of each row out of a block's columns of
 * probabilities (lane i = row i, expert e at e*L), by vector passes of two picks each, or by a
 * scalar insertion pass; and their interleaving into the (R, K) outputs.
 *
 * <p>Scratch layout per block (at b*stride): columns (E*L), a spare vector (L), the picks' expert
 * numbers (pick j of row i at j*L + i, as the int bits of a float) and their weights (K*L).
 */
final class SimdTopKPicks {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;

    private SimdTopKPicks() {
    }

    /**
     * Picks two per row per pass over the columns of probs (+ bias), for blocks [0, blocks): the
     * first pass picks 0 and 1, a second one (K = 3 or 4) picks 2 and 3. Pick j of row i goes to
     * scratch as the int bits of a float (blends and equality move and compare those bits exactly;
     * no conversion), its weight (the probability) beside it.
     *
     * <p>A pass keeps each row's best two scores, a score entering only when strictly greater
     * (ties keep the lower expert); the second pass first turns the scores of picks 0 and 1 into
     * NaN, which never enters. The empty start is -inf, so no score may be -inf (the caller picks by
     * insertion when the bias has one).
     *
     * <p>Written for C2: no vector is carried through a branch or an inner loop (each pass, with
     * or without a bias, is its own method with one straight loop over the experts), and masks live
     * within one step. A vector carried around an inner loop that the profile had not seen run was
     * boxed, allocating on every iteration.
     */
    static void pickColumns(float[] scratch, int stride, float[] bias, int experts, int k, int blocks) {
        for (int b = 0; b < blocks; b++) {
            if (bias == null) {
                pickFirstPair(scratch, b * stride, experts, k);
            } else {
                pickFirstPairWithBias(scratch, b * stride, bias, experts, k);
            }
            if (k > 2) {
                pickSecondPair(scratch, b * stride, bias, experts, k);
            }
        }
    }

    /** Picks 0 and 1 of the block at scratch[at] by probability (the weights are the best values). */
    private static void pickFirstPair(float[] scratch, int at, int experts, int k) {
        int picked = at + (experts + 1) * L;
        int picksWeights = picked + k * L;
        FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector second = best;
        FloatVector bestAt = FloatVector.zero(S);
        FloatVector secondAt = bestAt;
        for (int e = 0; e < experts; e++) {
            FloatVector p = FloatVector.fromArray(S, scratch, at + e * L);
            FloatVector expert = FloatVector.broadcast(S, Float.intBitsToFloat(e));
            VectorMask<Float> aboveBest = p.compare(VectorOperators.GT, best);
            VectorMask<Float> aboveSecond = p.compare(VectorOperators.GT, second);
            second = second.blend(p, aboveSecond).blend(best, aboveBest);
            secondAt = secondAt.blend(expert, aboveSecond).blend(bestAt, aboveBest);
            best = best.blend(p, aboveBest);
            bestAt = bestAt.blend(expert, aboveBest);
        }
        bestAt.intoArray(scratch, picked);
        best.intoArray(scratch, picksWeights);
        if (k > 1) {
            secondAt.intoArray(scratch, picked + L);
            second.intoArray(scratch, picksWeights + L);
        }
    }

    /** Picks 0 and 1 of the block at scratch[at] by probability + bias, the weights the probabilities. */
    private static void pickFirstPairWithBias(float[] scratch, int at, float[] bias, int experts, int k) {
        int picked = at + (experts + 1) * L;
        int picksWeights = picked + k * L;
        FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector second = best;
        FloatVector bestWeight = best;
        FloatVector secondWeight = best;
        FloatVector bestAt = FloatVector.zero(S);
        FloatVector secondAt = bestAt;
        for (int e = 0; e < experts; e++) {
            FloatVector p = FloatVector.fromArray(S, scratch, at + e * L);
            FloatVector s = p.add(bias[e]);
            FloatVector expert = FloatVector.broadcast(S, Float.intBitsToFloat(e));
            VectorMask<Float> aboveBest = s.compare(VectorOperators.GT, best);
            VectorMask<Float> aboveSecond = s.compare(VectorOperators.GT, second);
            second = second.blend(s, aboveSecond).blend(best, aboveBest);
            secondAt = secondAt.blend(expert, aboveSecond).blend(bestAt, aboveBest);
            secondWeight = secondWeight.blend(p, aboveSecond).blend(bestWeight, aboveBest);
            best = best.blend(s, aboveBest);
            bestAt = bestAt.blend(expert, aboveBest);
            bestWeight = bestWeight.blend(p, aboveBest);
        }
        bestAt.intoArray(scratch, picked);
        bestWeight.intoArray(scratch, picksWeights);
        if (k > 1) {
            secondAt.intoArray(scratch, picked + L);
            secondWeight.intoArray(scratch, picksWeights + L);
        }
    }

    /** Picks 2 and 3 (K = 3 or 4) of the block at scratch[at], picks 0 and 1 excluded. */
    private static void pickSecondPair(float[] scratch, int at, float[] bias, int experts, int k) {
        int picked = at + (experts + 1) * L;
        int picksWeights = picked + k * L;
        FloatVector pick0 = FloatVector.fromArray(S, scratch, picked);
        FloatVector pick1 = FloatVector.fromArray(S, scratch, picked + L);
        FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector second = best;
        FloatVector bestWeight = best;
        FloatVector secondWeight = best;
        FloatVector bestAt = FloatVector.zero(S);
        FloatVector secondAt = bestAt;
        for (int e = 0; e < experts; e++) {
            FloatVector p = FloatVector.fromArray(S, scratch, at + e * L);
            FloatVector expert = FloatVector.broadcast(S, Float.intBitsToFloat(e));
            FloatVector s = p.add(bias == null ? 0f : bias[e])
                    .blend(Float.NaN, pick0.compare(VectorOperators.EQ, expert))
                    .blend(Float.NaN, pick1.compare(VectorOperators.EQ, expert));
            VectorMask<Float> aboveBest = s.compare(VectorOperators.GT, best);
            VectorMask<Float> aboveSecond = s.compare(VectorOperators.GT, second);
            second = second.blend(s, aboveSecond).blend(best, aboveBest);
            secondAt = secondAt.blend(expert, aboveSecond).blend(bestAt, aboveBest);
            secondWeight = secondWeight.blend(p, aboveSecond).blend(bestWeight, aboveBest);
            best = best.blend(s, aboveBest);
            bestAt = bestAt.blend(expert, aboveBest);
            bestWeight = bestWeight.blend(p, aboveBest);
        }
        bestAt.intoArray(scratch, picked + 2 * L);
        bestWeight.intoArray(scratch, picksWeights + 2 * L);
        if (k > 3) {
            secondAt.intoArray(scratch, picked + 3 * L);
            secondWeight.intoArray(scratch, picksWeights + 3 * L);
        }
    }

    /**
     * indices (R, K) and weights (R, K) of the group's first rows picks out of scratch, element by
     * element. (Two picks once went through vector shuffles and an int reinterpret; in about one JVM
     * in three C2 left those on the Vector API's Java code, which allocated megabytes per training
     * step, for a copy of 2 x R values: benchmarks/results/2026-12-07-allocation.md.)
     */
    static void writePicks(int[] indices, float[] weights, float[] scratch, int stride, int experts, int k,
                           int r0, int rows) {
        for (int b = 0; b * L < rows; b++) {
            int picked = b * stride + (experts + 1) * L;
            int picksWeights = picked + k * L;
            int row = r0 + b * L;
            int blockRows = Math.min(L, rows - b * L);
            if (k == 2) {
                // the common case without the inner loop: about a fifth faster
                for (int i = 0, out = row * 2; i < blockRows; i++, out += 2) {
                    indices[out] = Float.floatToRawIntBits(scratch[picked + i]);
                    indices[out + 1] = Float.floatToRawIntBits(scratch[picked + L + i]);
                    weights[out] = scratch[picksWeights + i];
                    weights[out + 1] = scratch[picksWeights + L + i];
                }
                continue;
            }
            for (int i = 0; i < blockRows; i++) {
                for (int j = 0; j < k; j++) {
                    indices[(row + i) * k + j] = Float.floatToRawIntBits(scratch[picked + j * L + i]);
                    weights[(row + i) * k + j] = scratch[picksWeights + j * L + i];
                }
            }
        }
    }

    /**
     * One scalar pass keeping the K best of a row (probs at p[from + e*step]) sorted in
     * indices[at ..), their scores in weights[at ..) meanwhile (the caller then writes the
     * weights). A score enters when greater than the kept K-th and moves up past strictly smaller
     * ones only, so equal scores keep index order.
     */
    static void pickByInsertion(int[] indices, float[] weights, float[] p, int from, int step, float[] bias,
                                        int experts, int at, int k) {
        if (k == 0) {
            return;
        }
        int kept = 0;
        for (int e = 0; e < experts; e++) {
            float s = bias == null ? p[from + e * step] : p[from + e * step] + bias[e];
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
}
