package org.jdna.simd;

import static org.jdna.simd.VectorMath.LOG2_E_F;
import static org.jdna.simd.VectorMath.MINUS_LN2_HIGH_F;
import static org.jdna.simd.VectorMath.MINUS_LN2_LOW_F;
import static org.jdna.simd.VectorMath.P0_F;
import static org.jdna.simd.VectorMath.P1_F;
import static org.jdna.simd.VectorMath.P2_F;
import static org.jdna.simd.VectorMath.P3_F;
import static org.jdna.simd.VectorMath.P4_F;
import static org.jdna.simd.VectorMath.P5_F;
import static org.jdna.simd.VectorMath.ROUND;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Router top-k over a range of rows, forward: the body behind {@link SimdRouting#topk} (the
 * backward is {@link SimdTopKBackward}).
 *
 * <p>Forward, per row: probs = softmax(logits), then the K largest of score = probs + bias, in
 * descending order, ties to the lower index (what the reference's repeated arg-max with strict '>'
 * selects).
 *
 * <p>Rows go by blocks of L (the lane count), turned into columns (E vectors, lane i = row i), so
 * that the row max, the sum of exponentials and the picks are plain lane-wise operations: no
 * horizontal reduction, no branch, rows independent in every lane. Blocks of whole rows with E a
 * multiple of L move by in-register tile transposes ({@link TileTranspose}); any other E, and the
 * last partial block (its missing rows copies of its last row), move element by element. The
 * picks ({@link SimdTopKPicks}) are vector passes of two per row (K &lt;= {@value #BLOCK_MAX_K},
 * no -inf in the bias), else one scalar pass per row keeping the K best by insertion. A per-thread
 * scratch holds a group of blocks' columns and picks, taken phase by phase.
 *
 * <p>Every probability of every shape comes from the same code (the exponential in
 * {@link #exponentialColumns}), so equal logits give bit-equal probabilities (ties stay ties), a
 * row's result does not depend on its block, its thread or the thread count, and, built from
 * exactly rounded operations only, not on whether C2 has compiled the caller either.
 *
 * <p>NaN costs one test per block: a NaN or infinite logit makes its row's sum of exponentials
 * NaN (finite logits give a finite sum), and a NaN bias is found once per call; the block's rows
 * are then scanned for the reference's message.
 *
 * <p>Each vector phase is a method longer than C2's FreqInlineSize (325 bytecodes), so it is
 * never inlined: it compiles as a unit of its own, the Vector API calls in it a few levels from the
 * root. Inlined into a deep caller, they exceeded C2's MaxInlineLevel ("inlining too deep"), or the
 * caller its node budget, and the vector operations fell back to boxed objects: allocating, and
 * several times slower.
 *
 * <p>Legend: R rows, E experts, K picks per row, L lanes; row r of logits/probs is [r*E, r*E + E),
 * its picks indices/weights [r*K, r*K + K).
 */
final class SimdTopK {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final VectorSpecies<Integer> I = S == null ? null : S.withLanes(int.class);
    private static final int L = SimdConfig.LANES;
    /** Rows per block: one row per lane. */
    static final int BLOCK_ROWS = L;
    /** Blocks taken phase by phase together: amortises the phase calls, and stays within L1. */
    static final int GROUP_BLOCKS = 8;
    /** The largest K picked by vector passes (one pass over the columns per two picks; see SimdTopKPicks). */
    static final int BLOCK_MAX_K = 4;
    /** Per thread: a group's columns and picks (see topkGroup). */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    // The exponential (Cephes' expf, VectorMath's constants), as e^x * 2^64 for x <= 0: see exponentialColumns.
    /** bits(ROUND + n) + this = n + 127 + 64, the biased exponent of 2^(n + 64). */
    private static final int EXPONENT_BIAS = 127 + 64 - Float.floatToRawIntBits(ROUND);
    /** e^x is taken at max(x, LOWEST): below, e^x / sum rounds to 0 anyway. */
    static final float LOWEST = -110f;
    private SimdTopK() {
    }

    // ---------------------------------------------------------------- forward

    /** Blocks [fromBlock, toBlock) of BLOCK_ROWS rows each (the last one cut at rows). */
    static void topkBlocks(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
                           int rows, int experts, int k, boolean renormalize, int fromBlock, int toBlock) {
        if (S == null) {
            for (int r = fromBlock; r < Math.min(rows, toBlock); r++) {
                topkRowScalar(indices, weights, probs, logits, bias, experts, k, renormalize, r);
            }
            return;
        }
        if (fromBlock >= toBlock) {
            return;
        }
        if (hasNaN(bias, experts)) { // every row has a NaN score: the first one reports it
            topkRowScalar(indices, weights, probs, logits, bias, experts, k, renormalize, fromBlock * L);
            throw new IllegalStateException("topk: a NaN bias went unreported");
        }
        boolean vectorPicks = k <= BLOCK_MAX_K && !hasNegativeInfinity(bias, experts);
        int stride = blockScratch(experts, k);
        float[] scratch = scratch(GROUP_BLOCKS * stride);
        for (int b = fromBlock; b < toBlock; ) {
            int r0 = b * L;
            int blocks = Math.min(GROUP_BLOCKS, toBlock - b);
            int groupRows = Math.min(blocks * L, rows - r0);
            int done = topkGroup(indices, weights, probs, logits, bias, experts, k, renormalize, vectorPicks, r0,
                    blocks, groupRows, scratch, stride);
            if (done < blocks) {
                throw nanInBlock(probs, logits, bias, experts, r0 + done * L, Math.min(rows, r0 + (done + 1) * L));
            }
            b += blocks;
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
     * Rows [r0, r0 + groupRows) in blocks of L, phase by phase; returns how many leading blocks were
     * done (fewer than asked when a row has a NaN: that block is left unwritten and reported).
     *
     * <p>scratch, per block b at b*stride: columns (row i, expert e at e*L + i), a spare vector,
     * then the picks' expert numbers (pick j of row i at j*L + i) and their weights.
     */
    private static int topkGroup(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
                                 int experts, int k, boolean renormalize, boolean vectorPicks, int r0, int blocks,
                                 int groupRows, float[] scratch, int stride) {
        boolean tiles = experts % L == 0;
        int wholeBlocks = groupRows / L;
        int tileBlocks = tiles ? wholeBlocks : 0;
        if (tileBlocks > 0) {
            TileTranspose.transposeTiles(logits, r0 * experts, experts, L * experts, L, scratch, 0, L, stride, L * L,
                    tileBlocks, experts / L);
        }
        gatherColumns(scratch, stride, logits, r0, experts, tileBlocks, blocks, groupRows);
        int done = exponentialColumns(scratch, stride, experts, blocks);
        int doneRows = Math.min(groupRows, done * L);
        int doneTileBlocks = Math.min(tileBlocks, done);
        if (doneTileBlocks > 0) {
            TileTranspose.transposeTiles(scratch, 0, L, stride, L * L, probs, r0 * experts, experts, L * experts, L,
                    doneTileBlocks, experts / L);
        }
        scatterColumns(probs, r0, scratch, stride, experts, doneTileBlocks * L, doneRows);
        if (vectorPicks) {
            SimdTopKPicks.pickColumns(scratch, stride, bias, experts, k, done);
            SimdTopKPicks.writePicks(indices, weights, scratch, stride, experts, k, r0, doneRows);
        } else {
            for (int r = 0; r < doneRows; r++) {
                int at = (r0 + r) * k;
                int column = (r / L) * stride + r % L;
                SimdTopKPicks.pickByInsertion(indices, weights, scratch, column, L, bias, experts, at, k);
                for (int j = 0; j < k; j++) {
                    weights[at + j] = scratch[column + indices[at + j] * L];
                }
            }
        }
        if (renormalize) {
            for (int r = r0; r < r0 + doneRows; r++) {
                renormalize(weights, r * k, k);
            }
        }
        return done;
    }

    /**
     * Columns element by element for blocks [fromBlock, blocks) (those that are not whole tiles),
     * rows at or past groupRows copied from the last row, so that every lane holds a real row.
     */
    private static void gatherColumns(float[] scratch, int stride, float[] logits, int r0, int experts,
                                      int fromBlock, int blocks, int groupRows) {
        for (int b = fromBlock; b < blocks; b++) {
            for (int i = 0; i < L; i++) {
                int row = r0 + Math.min(b * L + i, groupRows - 1);
                for (int e = 0; e < experts; e++) {
                    scratch[b * stride + e * L + i] = logits[row * experts + e];
                }
            }
        }
    }

    /** Probability rows [from, to) of the group (counted from r0) out of the columns, element by element. */
    private static void scatterColumns(float[] probs, int r0, float[] scratch, int stride, int experts, int from,
                                       int to) {
        for (int r = from; r < to; r++) {
            int column = (r / L) * stride + r % L;
            for (int e = 0; e < experts; e++) {
                probs[(r0 + r) * experts + e] = scratch[column + e * L];
            }
        }
    }

    /**
     * Block by block: columns of logits to probabilities, e^(logit - row max) summed in expert
     * order, times 1/sum; returns the number of leading blocks done, stopping at the first block
     * with a NaN row.
     *
     * <p>The exponential is computed as e^x * 2^64 (the division by the sum cancels the power of
     * two exactly), from exactly rounded operations only, so its bits do not depend on whether C2
     * compiled this method ({@code lanewise(VectorOperators.EXP)} calls Intel's SVML compiled and
     * StrictMath interpreted, and they differ in the last bit). Cephes' expf: n = round(x log2(e))
     * by the 1.5 * 2^23 trick, r = x - n ln(2) in two parts (Cody-Waite), e^r = 1 + r + r^2 P(r),
     * P of degree 5 by Estrin's scheme, times 2^(n + 64) made from exponent bits: a normal float
     * down to x = {@value #LOWEST}, so no exponential is rounded to a subnormal and a tiny
     * probability is rounded once, by the division. At most 1 ulp from Math.exp over [-87, 0].
     */
    static int exponentialColumns(float[] scratch, int stride, int experts, int blocks) {
        // constants broadcast once per call, not static final vectors: C2 reloads a static final vector
        // from its float[] payload after every store to any float[] (it cannot tell the arrays apart),
        // a dozen loads per vector of exponentials (times: benchmarks/results/design-measurements.md)
        FloatVector lowest = FloatVector.broadcast(S, LOWEST);
        FloatVector log2e = FloatVector.broadcast(S, LOG2_E_F);
        FloatVector round = FloatVector.broadcast(S, ROUND);
        FloatVector ln2High = FloatVector.broadcast(S, MINUS_LN2_HIGH_F);
        FloatVector ln2Low = FloatVector.broadcast(S, MINUS_LN2_LOW_F);
        FloatVector p0 = FloatVector.broadcast(S, P0_F);
        FloatVector p1 = FloatVector.broadcast(S, P1_F);
        FloatVector p2 = FloatVector.broadcast(S, P2_F);
        FloatVector p3 = FloatVector.broadcast(S, P3_F);
        FloatVector p4 = FloatVector.broadcast(S, P4_F);
        FloatVector p5 = FloatVector.broadcast(S, P5_F);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int b = 0; b < blocks; b++) {
            int at = b * stride;
            // the row max: four running maxima (expert e in the (e mod 4)th, E >= 4; the rest in the
            // first) merged at the end, so that the chain of dependent compares is E/4 long, not E
            // (max is exact in any order); a NaN never enters (v > max is false), and need not: its
            // row's sum is NaN and reported
            FloatVector m0 = FloatVector.fromArray(S, scratch, at);
            FloatVector m1 = m0;
            FloatVector m2 = m0;
            FloatVector m3 = m0;
            int q = 1;
            if (experts >= 4) {
                m1 = FloatVector.fromArray(S, scratch, at + L);
                m2 = FloatVector.fromArray(S, scratch, at + 2 * L);
                m3 = FloatVector.fromArray(S, scratch, at + 3 * L);
                for (q = 4; q + 4 <= experts; q += 4) {
                    FloatVector v0 = FloatVector.fromArray(S, scratch, at + q * L);
                    FloatVector v1 = FloatVector.fromArray(S, scratch, at + (q + 1) * L);
                    FloatVector v2 = FloatVector.fromArray(S, scratch, at + (q + 2) * L);
                    FloatVector v3 = FloatVector.fromArray(S, scratch, at + (q + 3) * L);
                    m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
                    m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
                    m2 = m2.blend(v2, v2.compare(VectorOperators.GT, m2));
                    m3 = m3.blend(v3, v3.compare(VectorOperators.GT, m3));
                }
            }
            for (; q < experts; q++) {
                FloatVector v = FloatVector.fromArray(S, scratch, at + q * L);
                m0 = m0.blend(v, v.compare(VectorOperators.GT, m0));
            }
            m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
            m2 = m2.blend(m3, m3.compare(VectorOperators.GT, m2));
            FloatVector max = m0.blend(m2, m2.compare(VectorOperators.GT, m0));
            FloatVector sum = FloatVector.zero(S);
            for (int e = 0; e < experts; e++) {
                FloatVector x = FloatVector.fromArray(S, scratch, at + e * L).sub(max);
                x = x.blend(lowest, x.compare(VectorOperators.LT, lowest));
                FloatVector shifted = x.fma(log2e, round);
                FloatVector n = shifted.sub(round);
                FloatVector r = n.fma(ln2High, x);
                r = n.fma(ln2Low, r);
                FloatVector r2 = r.mul(r);
                FloatVector poly = r2.mul(r2).fma(r.fma(p0, p1), r2.fma(r.fma(p2, p3), r.fma(p4, p5)));
                FloatVector power = (FloatVector) ((IntVector) shifted.reinterpretShape(I, 0)).add(EXPONENT_BIAS)
                        .lanewise(VectorOperators.LSHL, 23).reinterpretShape(S, 0);
                FloatVector exp = poly.fma(r2, r).add(one).mul(power);
                exp.intoArray(scratch, at + e * L);
                sum = sum.add(exp);
            }
            if (sum.compare(VectorOperators.NE, sum).anyTrue()) { // a NaN lane
                return b;
            }
            FloatVector inv = one.div(sum);
            for (int e = 0; e < experts; e++) {
                FloatVector.fromArray(S, scratch, at + e * L).mul(inv).intoArray(scratch, at + e * L);
            }
        }
        return blocks;
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
     * One row without a vector species (scalar loops of VectorOps, Math.exp), or the first row of
     * a call whose bias has a NaN (only to report it).
     */
    private static void topkRowScalar(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
                                      int experts, int k, boolean renormalize, int r) {
        int base = r * experts;
        float max = VectorOps.max(logits, base, experts);
        VectorOps.expShifted(probs, base, logits, base, experts, max);
        float sum = 0f;
        for (int e = 0; e < experts; e++) {
            sum += probs[base + e];
        }
        VectorOps.scaleShift(probs, base, probs, base, experts, 1f / sum, 0f);
        if (sum != sum || hasNaN(bias, experts)) {
            throw nanInRow(r, probs, logits, bias, base, experts);
        }
        SimdTopKPicks.pickByInsertion(indices, weights, probs, base, 1, bias, experts, r * k, k);
        for (int j = 0; j < k; j++) {
            weights[r * k + j] = probs[base + indices[r * k + j]];
        }
        if (renormalize) {
            renormalize(weights, r * k, k);
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

    /**
     * The error for the first row of [from, to) whose softmax is NaN: a NaN logit, or an infinite
     * one (or all -inf), whose probabilities the reference makes all NaN.
     */
    private static ArithmeticException nanInBlock(float[] probs, float[] logits, float[] bias, int experts, int from,
                                                  int to) {
        for (int r = from; r < to; r++) {
            int base = r * experts;
            boolean allNegativeInfinite = true;
            boolean nan = false;
            for (int e = 0; e < experts; e++) {
                float x = logits[base + e];
                nan |= Float.isNaN(x) || x == Float.POSITIVE_INFINITY;
                allNegativeInfinite &= x == Float.NEGATIVE_INFINITY;
            }
            if (nan || allNegativeInfinite) {
                java.util.Arrays.fill(probs, base, base + experts, Float.NaN);
                return nanInRow(r, probs, logits, bias, base, experts);
            }
        }
        return new ArithmeticException("topk: NaN in rows " + from + " to " + (to - 1));
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
}
