package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Router top-k over a range of rows, forward and backward: the bodies behind
 * {@link SimdRouting#topk} and {@link SimdRouting#topkBackward}.
 *
 * <p>Forward, per row: probs = softmax(logits), then the K largest of score = probs + bias, in
 * descending order, ties to the lower index (what the reference's repeated arg-max with strict '>'
 * selects). Rows go in blocks of L (the lane count), and a parallel chunk is a run of whole blocks.
 *
 * <p>Block path (E a multiple of L, K &lt;= {@value #BLOCK_MAX_K}, no NaN or -inf in the bias; the
 * model's routers): the block's logits (L, E) are transposed into columns (E vectors, lane i = row
 * i), so the row max, the sum of exponentials and the picks are plain lane-wise operations over the
 * E columns: no horizontal reduction, no branch, rows independent in every lane. The probabilities
 * are transposed back into the rows of probs. A per-thread scratch holds a group of blocks' columns
 * and picks.
 *
 * <p>Row path (any other shape, the last partial block, a block with a NaN): a vector softmax
 * (masked tail) and one scalar pass keeping the K best sorted by insertion.
 *
 * <p>Both paths give the same bits for a row: the same exp per element ({@link VectorExp}: e^x
 * times 2^64, which the division by the sum cancels exactly; its bits do not depend on whether C2
 * compiled the caller; equal logits give bit-equal probabilities, so ties stay ties), the
 * exponentials summed in expert order, the same multiply by 1/sum; the picks are exact
 * comparisons. So results depend neither on the thread count nor on the JIT's state.
 *
 * <p>NaN costs one test per block or row: a NaN or infinite logit makes its row's sum of
 * exponentials NaN (finite logits give a finite sum), and a NaN bias is found once per call; the
 * row is then scanned for the reference's message.
 *
 * <p>Legend: R rows, E experts, K picks per row, L lanes; row r of logits/probs is [r*E, r*E + E),
 * its picks indices/weights [r*K, r*K + K).
 */
final class SimdTopK {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** Rows per block: one row per lane. */
    static final int BLOCK_ROWS = L;
    /** Blocks taken phase by phase together: amortises the phase calls, and stays within L1. */
    static final int GROUP_BLOCKS = 8;
    /** The largest K the block path picks (a pass over the columns per two picks). */
    static final int BLOCK_MAX_K = 4;
    /** Per thread: a group's columns and picks (see topkGroup). */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private SimdTopK() {
    }

    // ---------------------------------------------------------------- forward

    /** Blocks [fromBlock, toBlock) of BLOCK_ROWS rows each (the last one cut at rows). */
    static void topkBlocks(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
                           int rows, int experts, int k, boolean renormalize, int fromBlock, int toBlock) {
        boolean biasNaN = hasNaN(bias, experts);
        boolean blocks = S != null && experts % L == 0 && k <= BLOCK_MAX_K && !biasNaN
                && !hasNegativeInfinity(bias, experts);
        int stride = blockScratch(experts, k);
        float[] scratch = blocks ? scratch(GROUP_BLOCKS * stride) : null;
        for (int b = fromBlock; b < toBlock; ) {
            int r0 = b * BLOCK_ROWS;
            int fullBlocks = Math.min(toBlock - b, (rows - r0) / L);
            int done = 0;
            if (blocks && fullBlocks > 0) {
                done = topkGroup(indices, weights, probs, logits, bias, experts, k, renormalize, r0,
                        Math.min(GROUP_BLOCKS, fullBlocks), scratch, stride);
            }
            if (done == 0) { // the row path: no block path here, a partial block, or a NaN in this block
                for (int r = r0; r < Math.min(rows, r0 + BLOCK_ROWS); r++) {
                    topkRow(indices, weights, probs, logits, bias, experts, k, renormalize, biasNaN, r);
                }
                done = 1;
            }
            b += done;
        }
    }

    private static float[] scratch(int n) {
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[n];
            SCRATCH.set(s);
        }
        return s;
    }

    /** Floats of scratch per block: columns (E*L), a spare vector (L), picks (K*L) and their weights (K*L). */
    private static int blockScratch(int experts, int k) {
        return (experts + 1 + 2 * k) * L;
    }

    /**
     * Blocks of rows [r0, r0 + blocks*L) by columns, phase by phase over the group; returns how many
     * leading blocks were done (fewer than asked when a row has a NaN: that block is left to the
     * row path, which reports it).
     *
     * <p>Each phase is its own method with its own loop over the group: C2 compiles each whole.
     * One method doing a block's every step (each inlined into it) exceeded C2's node budget in some
     * compilation orders, which left vector operations unintrinsified (boxed and allocating).
     *
     * <p>scratch, per block b at b*stride: columns (row i, expert e at e*L + i), a spare vector, then
     * the picks' expert numbers (pick j of row i at j*L + i) and their weights.
     */
    private static int topkGroup(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
                                 int experts, int k, boolean renormalize, int r0, int blocks, float[] scratch,
                                 int stride) {
        columnsFromRows(scratch, stride, logits, r0 * experts, experts, blocks);
        blocks = exponentialColumns(scratch, stride, experts, blocks);
        pickColumns(scratch, stride, bias, experts, k, blocks);
        rowsFromColumns(probs, r0 * experts, scratch, stride, experts, blocks);
        writePicks(indices, weights, scratch, stride, experts, k, renormalize, r0, blocks);
        return blocks;
    }

    /** Block b's logits rows (L, E) at rows[rowsOff + b*L*E] to columns at scratch[b*stride]. */
    private static void columnsFromRows(float[] scratch, int stride, float[] rows, int rowsOff, int experts,
                                        int blocks) {
        TileTranspose.transposeTiles(rows, rowsOff, experts, L * experts, L, scratch, 0, L, stride, L * L,
                blocks, experts / L);
    }

    /** Block b's probability columns back to the rows of probs. */
    private static void rowsFromColumns(float[] rows, int rowsOff, float[] scratch, int stride, int experts,
                                        int blocks) {
        TileTranspose.transposeTiles(scratch, 0, L, stride, L * L, rows, rowsOff, experts, L * experts, L,
                blocks, experts / L);
    }

    /** indices (R, K) and weights (R, K) of the group's rows from the picks in scratch. */
    private static void writePicks(int[] indices, float[] weights, float[] scratch, int stride, int experts, int k,
                                   boolean renormalize, int r0, int blocks) {
        for (int b = 0; b < blocks; b++) {
            int picked = b * stride + (experts + 1) * L;
            int picksWeights = picked + k * L;
            int row = r0 + b * L;
            if (k == 2) {
                TileTranspose.interleave(scratch, picked, scratch, picked + L, indices, row * 2);
                TileTranspose.interleave(scratch, picksWeights, scratch, picksWeights + L, weights, row * 2);
            } else {
                for (int j = 0; j < k; j++) {
                    for (int i = 0; i < L; i++) {
                        indices[(row + i) * k + j] = Float.floatToRawIntBits(scratch[picked + j * L + i]);
                        weights[(row + i) * k + j] = scratch[picksWeights + j * L + i];
                    }
                }
            }
        }
        if (renormalize) {
            for (int r = r0; r < r0 + blocks * L; r++) {
                renormalize(weights, r * k, k);
            }
        }
    }

    /**
     * Block by block: columns of logits to probabilities, exponentials of (logit - row max)
     * summed in expert order, times 1/sum; returns the number of leading blocks done, stopping at
     * the first block with a NaN row.
     */
    private static int exponentialColumns(float[] scratch, int stride, int experts, int blocks) {
        for (int b = 0; b < blocks; b++) {
            int at = b * stride;
            FloatVector max = FloatVector.fromArray(S, scratch, at);
            for (int e = 1; e < experts; e++) {
                max = greater(max, FloatVector.fromArray(S, scratch, at + e * L));
            }
            FloatVector sum = FloatVector.zero(S);
            for (int e = 0; e < experts; e++) {
                FloatVector x = VectorExp.expScaled(FloatVector.fromArray(S, scratch, at + e * L).sub(max));
                x.intoArray(scratch, at + e * L);
                sum = sum.add(x);
            }
            if (sum.compare(VectorOperators.NE, sum).anyTrue()) { // a NaN lane
                return b;
            }
            FloatVector inv = FloatVector.broadcast(S, 1f).div(sum);
            for (int e = 0; e < experts; e++) {
                FloatVector.fromArray(S, scratch, at + e * L).mul(inv).intoArray(scratch, at + e * L);
            }
        }
        return blocks;
    }

    /**
     * Picks two per row per pass over the columns of probs (+ bias). Pick j of row i goes to
     * scratch as the int bits of a float (blends and equality move and compare those bits exactly;
     * no conversion), its weight (the probability) beside it.
     */
    private static void pickColumns(float[] scratch, int stride, float[] bias, int experts, int k, int blocks) {
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < k; j += 2) {
                if (bias == null) {
                    pickPair(scratch, b * stride, experts, k, j);
                } else {
                    pickPairWithBias(scratch, b * stride, bias, experts, k, j);
                }
            }
        }
    }

    /**
     * Picks j and j+1 of the block at scratch[at] by probability: each row's best two, a value
     * entering only when strictly greater (ties keep the lower expert), after turning the earlier
     * picks' values into NaN, which never enters. The empty start is -inf (no probability is).
     *
     * <p>The masks live within one step (a mask carried around a loop would be boxed by C2), and
     * the two cases, without and with a bias, are separate methods: one method holding both, with
     * every branch hot, left some vectors boxed (allocated) in some compilation orders.
     */
    private static void pickPair(float[] scratch, int at, int experts, int k, int j) {
        int picked = at + (experts + 1) * L;
        int picksWeights = picked + k * L;
        FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector second = best;
        FloatVector bestAt = FloatVector.zero(S);
        FloatVector secondAt = bestAt;
        for (int e = 0; e < experts; e++) {
            FloatVector p = FloatVector.fromArray(S, scratch, at + e * L);
            FloatVector expert = FloatVector.broadcast(S, Float.intBitsToFloat(e));
            for (int i = 0; i < j; i++) {
                p = p.blend(Float.NaN, FloatVector.fromArray(S, scratch, picked + i * L)
                        .compare(VectorOperators.EQ, expert));
            }
            VectorMask<Float> aboveBest = p.compare(VectorOperators.GT, best);
            VectorMask<Float> aboveSecond = p.compare(VectorOperators.GT, second);
            second = second.blend(p, aboveSecond).blend(best, aboveBest);
            secondAt = secondAt.blend(expert, aboveSecond).blend(bestAt, aboveBest);
            best = best.blend(p, aboveBest);
            bestAt = bestAt.blend(expert, aboveBest);
        }
        bestAt.intoArray(scratch, picked + j * L);
        best.intoArray(scratch, picksWeights + j * L);
        if (j + 1 < k) {
            secondAt.intoArray(scratch, picked + (j + 1) * L);
            second.intoArray(scratch, picksWeights + (j + 1) * L);
        }
    }

    /**
     * {@link #pickPair} by score = probability + bias, the weights still the probabilities. No
     * score may be -inf (the empty start): the caller sends a bias with -inf to the row path.
     */
    private static void pickPairWithBias(float[] scratch, int at, float[] bias, int experts, int k, int j) {
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
            for (int i = 0; i < j; i++) {
                s = s.blend(Float.NaN, FloatVector.fromArray(S, scratch, picked + i * L)
                        .compare(VectorOperators.EQ, expert));
            }
            VectorMask<Float> aboveBest = s.compare(VectorOperators.GT, best);
            VectorMask<Float> aboveSecond = s.compare(VectorOperators.GT, second);
            second = second.blend(s, aboveSecond).blend(best, aboveBest);
            secondAt = secondAt.blend(expert, aboveSecond).blend(bestAt, aboveBest);
            secondWeight = secondWeight.blend(p, aboveSecond).blend(bestWeight, aboveBest);
            best = best.blend(s, aboveBest);
            bestAt = bestAt.blend(expert, aboveBest);
            bestWeight = bestWeight.blend(p, aboveBest);
        }
        bestAt.intoArray(scratch, picked + j * L);
        bestWeight.intoArray(scratch, picksWeights + j * L);
        if (j + 1 < k) {
            secondAt.intoArray(scratch, picked + (j + 1) * L);
            secondWeight.intoArray(scratch, picksWeights + (j + 1) * L);
        }
    }

    /** Lane-wise b where b > a, else a: the max of NaN-free lanes in two instructions. */
    private static FloatVector greater(FloatVector a, FloatVector b) {
        return a.blend(b, b.compare(VectorOperators.GT, a));
    }

    /** One row by the row path. */
    private static void topkRow(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
                                int experts, int k, boolean renormalize, boolean biasNaN, int r) {
        int base = r * experts;
        float sum = softmaxRow(probs, logits, base, experts);
        if (sum != sum || biasNaN) {
            throw nanInRow(r, probs, logits, bias, base, experts);
        }
        pickByInsertion(indices, weights, probs, bias, base, experts, r * k, k);
        writeWeights(weights, indices, probs, base, r * k, k, renormalize);
    }

    /** weights[at + j] = probs of pick j, divided by the (double) sum of the picks when renormalize. */
    private static void writeWeights(float[] weights, int[] indices, float[] probs, int base, int at, int k,
                                     boolean renormalize) {
        for (int j = 0; j < k; j++) {
            weights[at + j] = probs[base + indices[at + j]];
        }
        if (renormalize) {
            renormalize(weights, at, k);
        }
    }

    /** weights[at .. at+K) /= their sum, in double (the reference's rounding). */
    private static void renormalize(float[] weights, int at, int k) {
        double chosenSum = 0;
        for (int j = 0; j < k; j++) {
            chosenSum += weights[at + j];
        }
        for (int j = 0; j < k; j++) {
            weights[at + j] = (float) (weights[at + j] / chosenSum);
        }
    }

    /**
     * probs[base .. base+E) = softmax of the logits there, any E (masked vector chunks, or scalar
     * without a species); returns the sum of the exponentials, added in expert order as the block
     * path does.
     */
    private static float softmaxRow(float[] probs, float[] logits, int base, int n) {
        if (S == null) {
            float max = VectorOps.max(logits, base, n);
            VectorOps.expShifted(probs, base, logits, base, n, max);
        } else {
            FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < n; i += L) {
                VectorMask<Float> m = S.indexInRange(i, n);
                max = greater(max, FloatVector.fromArray(S, logits, base + i, m).blend(Float.NEGATIVE_INFINITY, m.not()));
            }
            float shift = max.reduceLanes(VectorOperators.MAX);
            for (int i = 0; i < n; i += L) {
                VectorMask<Float> m = S.indexInRange(i, n);
                VectorExp.expScaled(FloatVector.fromArray(S, logits, base + i, m).sub(shift)).intoArray(probs, base + i, m);
            }
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += probs[base + i];
        }
        VectorOps.scaleShift(probs, base, probs, base, n, 1f / sum, 0f);
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

    private static boolean hasNegativeInfinity(float[] x, int n) {
        if (x == null) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (x[i] == Float.NEGATIVE_INFINITY) {
                return true;
            }
        }
        return false;
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
