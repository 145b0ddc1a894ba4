package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The routing primitives: row gather and scatter-add, router top-k (forward and backward) and the
 * weighted combine (forward and backward).
 *
 * <p>Steady state allocates nothing: the arguments of a call travel in a {@link RoutingTask}
 * reused per calling thread, and the kernels need no scratch. Indices are checked before any work
 * starts, so a bad index leaves the outputs untouched.
 *
 * <p>Determinism: top-k, combine and the gathers split over output rows; indexAddRows splits over
 * destination row ranges, each thread walking all sources in increasing order and taking only its
 * own rows, so every destination row sums in the specified order whatever the thread count.
 *
 * <p>Legend: R rows (tokens), E experts/modules, K top-k, W row width, T tokens of a combine.
 */
final class SimdRouting {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** Floats moved per parallel chunk. */
    private static final int GRAIN = 1 << 14;

    private final Parallel parallel;
    private final ThreadLocal<RoutingTask> tasks = ThreadLocal.withInitial(RoutingTask::new);

    SimdRouting(Parallel parallel) {
        this.parallel = parallel;
    }

    private static int rowGrain(int width) {
        return Math.max(1, GRAIN / Math.max(1, width));
    }

    private void run(RoutingTask task, int n, int grain) {
        try {
            parallel.forRange(n, grain, task);
        } finally {
            task.clear();
        }
    }

    // ---------------------------------------------------------------- row gather / scatter-add

    /** out[i, :] = src[rows[i], :], i in [0, count). */
    void indexSelectRows(float[] out, float[] src, int[] rows, int count, int width) {
        checkRows("indexSelectRows", rows, count, src.length, width);
        RoutingTask t = tasks.get();
        t.kind = RoutingTask.SELECT;
        t.out = out;
        t.a = src;
        t.idx = rows;
        t.width = width;
        run(t, count, rowGrain(width));
    }

    static void selectRange(float[] out, float[] src, int[] rows, int width, int from, int to) {
        for (int i = from; i < to; i++) {
            System.arraycopy(src, rows[i] * width, out, i * width, width);
        }
    }

    /** dst[rows[i], :] += src[i, :], in increasing i per destination row. */
    void indexAddRows(float[] dst, float[] src, int[] rows, int count, int width) {
        checkRows("indexAddRows", rows, count, dst.length, width);
        int dstRows = width == 0 ? 0 : dst.length / width;
        RoutingTask t = tasks.get();
        t.kind = RoutingTask.ADD;
        t.out = dst;
        t.a = src;
        t.idx = rows;
        t.count = count;
        t.width = width;
        // chunks over destination rows, as many as the floats moved justify (each scans all indices)
        long moved = (long) count * width;
        run(t, dstRows, (int) Math.max(1, dstRows / Math.max(1, moved / GRAIN)));
    }

    /** The part of indexAddRows whose destination rows lie in [rowFrom, rowTo). */
    static void addRange(float[] dst, float[] src, int[] rows, int count, int width, int rowFrom, int rowTo) {
        for (int i = 0; i < count; i++) {
            int row = rows[i];
            if (row >= rowFrom && row < rowTo) {
                VectorOps.add(dst, row * width, src, i * width, width);
            }
        }
    }

    // ---------------------------------------------------------------- top-k

    /**
     * probs (R, E) = softmax(logits); per row the K largest of probs + bias by repeated arg-max with
     * strict '>' (ties to the lower index); weights = chosen probs, renormalised when asked.
     */
    void topk(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
              int rows, int experts, int k, boolean renormalize) {
        RoutingTask t = tasks.get();
        t.kind = RoutingTask.TOPK;
        t.indices = indices;
        t.out = weights;
        t.a = probs;
        t.b = logits;
        t.c = bias;
        t.width = experts;
        t.k = k;
        t.flag = renormalize;
        run(t, rows, rowGrain(4 * experts));
    }

    static void topkRange(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
                          int experts, int k, boolean renormalize, int from, int to) {
        for (int r = from; r < to; r++) {
            int base = r * experts;
            softmaxRow(probs, logits, base, experts);
            float chosenSum = 0f;
            for (int j = 0; j < k; j++) {
                int best = -1;
                float bestScore = 0f;
                for (int e = 0; e < experts; e++) {
                    float score = bias == null ? probs[base + e] : probs[base + e] + bias[e];
                    if (score != score) {
                        throw nanInRow(r, probs, logits, bias, base, experts);
                    }
                    if ((best < 0 || score > bestScore) && !chosen(indices, r * k, j, e)) {
                        best = e;
                        bestScore = score;
                    }
                }
                indices[r * k + j] = best;
                chosenSum += probs[base + best];
            }
            for (int j = 0; j < k; j++) {
                float p = probs[base + indices[r * k + j]];
                weights[r * k + j] = renormalize ? p / chosenSum : p;
            }
        }
    }

    /** Whether e is among the first j picks of the row whose picks start at indices[at]. */
    private static boolean chosen(int[] indices, int at, int j, int e) {
        for (int i = 0; i < j; i++) {
            if (indices[at + i] == e) {
                return true;
            }
        }
        return false;
    }

    /**
     * probs[base .. base+E) = softmax of the logits there. Every element, tail included, goes
     * through the same vector exp (masked tail), so equal logits give bit-equal probabilities and
     * ties stay ties.
     */
    private static void softmaxRow(float[] probs, float[] logits, int base, int n) {
        if (S == null) {
            float max = VectorOps.max(logits, base, n);
            float sum = VectorOps.expShifted(probs, base, logits, base, n, max);
            VectorOps.scaleShift(probs, base, probs, base, n, 1f / sum, 0f);
            return;
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
        float inv = 1f / sumV.reduceLanes(VectorOperators.ADD);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, probs, base + i, m).mul(inv).intoArray(probs, base + i, m);
        }
    }

    /** The reference's message: the first NaN logit of the row, else the first NaN score. */
    private static ArithmeticException nanInRow(int r, float[] probs, float[] logits, float[] bias, int base, int experts) {
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

    /**
     * Through the weights only: dprobs accumulates (renormalised) dweights at the chosen experts,
     * then dlogits = p * (dprobs - sum(dprobs * p)). The dlogits row itself holds dprobs meanwhile.
     */
    void topkBackward(float[] dlogits, float[] dweights, float[] probs, int[] indices,
                      int rows, int experts, int k, boolean renormalize) {
        for (int i = 0; i < rows * k; i++) {
            if (indices[i] < 0 || indices[i] >= experts) {
                throw new IndexOutOfBoundsException("topkBackward: index " + indices[i] + " at position " + i
                        + " outside [0, " + experts + ")");
            }
        }
        RoutingTask t = tasks.get();
        t.kind = RoutingTask.TOPK_BACKWARD;
        t.out = dlogits;
        t.a = dweights;
        t.b = probs;
        t.indices = indices;
        t.width = experts;
        t.k = k;
        t.flag = renormalize;
        run(t, rows, rowGrain(4 * experts));
    }

    static void topkBackwardRange(float[] dlogits, float[] dweights, float[] probs, int[] indices,
                                  int experts, int k, boolean renormalize, int from, int to) {
        for (int r = from; r < to; r++) {
            int base = r * experts;
            java.util.Arrays.fill(dlogits, base, base + experts, 0f);
            float chosenSum = 0f;
            for (int j = 0; j < k; j++) {
                chosenSum += probs[base + indices[r * k + j]];
            }
            float dotWeights = 0f;
            if (renormalize) {
                for (int j = 0; j < k; j++) {
                    dotWeights += dweights[r * k + j] * (probs[base + indices[r * k + j]] / chosenSum);
                }
            }
            for (int j = 0; j < k; j++) {
                float g = dweights[r * k + j];
                dlogits[base + indices[r * k + j]] += renormalize ? (g - dotWeights) / chosenSum : g;
            }
            float s = VectorOps.dot(dlogits, base, probs, base, experts);
            for (int e = 0; e < experts; e++) {
                dlogits[base + e] = probs[base + e] * (dlogits[base + e] - s);
            }
        }
    }

    // ---------------------------------------------------------------- combine

    /** out[t, :] = sum_j weights[t, j] * y[slotRows[t, j], :], skipping -1 slots, j in order. */
    void combine(float[] out, float[] y, float[] weights, int[] slotRows, int tokens, int k, int width) {
        checkSlots("combine", slotRows, tokens * k, y.length, width);
        RoutingTask t = tasks.get();
        t.kind = RoutingTask.COMBINE;
        t.out = out;
        t.a = y;
        t.b = weights;
        t.idx = slotRows;
        t.k = k;
        t.width = width;
        run(t, tokens, rowGrain(width * (k + 1)));
    }

    static void combineRange(float[] out, float[] y, float[] weights, int[] slotRows, int k, int width,
                             int from, int to) {
        for (int t = from; t < to; t++) {
            int outBase = t * width;
            int c = 0;
            if (S != null) {
                for (int up = S.loopBound(width); c < up; c += L) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int j = 0; j < k; j++) {
                        int slot = slotRows[t * k + j];
                        if (slot != -1) {
                            acc = FloatVector.fromArray(S, y, slot * width + c).fma(FloatVector.broadcast(S, weights[t * k + j]), acc);
                        }
                    }
                    acc.intoArray(out, outBase + c);
                }
            }
            for (; c < width; c++) {
                float acc = 0f;
                for (int j = 0; j < k; j++) {
                    int slot = slotRows[t * k + j];
                    if (slot != -1) {
                        acc = Math.fma(weights[t * k + j], y[slot * width + c], acc);
                    }
                }
                out[outBase + c] = acc;
            }
        }
    }

    /**
     * dy[slot, :] = weights[t, j] * dout[t, :] and dweights[t, j] = dout[t, :] . y[slot, :] (0 for -1).
     * Slots named twice would race between threads: then the call runs serially, in order.
     */
    void combineBackward(float[] dy, float[] dweights, float[] dout, float[] y, float[] weights,
                         int[] slotRows, int tokens, int k, int width) {
        checkSlots("combineBackward", slotRows, tokens * k, y.length, width);
        RoutingTask t = tasks.get();
        t.kind = RoutingTask.COMBINE_BACKWARD;
        t.out = dy;
        t.a = dweights;
        t.b = dout;
        t.c = y;
        t.d = weights;
        t.idx = slotRows;
        t.k = k;
        t.width = width;
        int grain = hasDuplicateSlots(t, slotRows, tokens * k, width == 0 ? 0 : y.length / width)
                ? Integer.MAX_VALUE : rowGrain(width * (2 * k + 1));
        run(t, tokens, grain);
    }

    static void combineBackwardRange(float[] dy, float[] dweights, float[] dout, float[] y, float[] weights,
                                     int[] slotRows, int k, int width, int from, int to) {
        for (int t = from; t < to; t++) {
            for (int j = 0; j < k; j++) {
                int slot = slotRows[t * k + j];
                if (slot == -1) {
                    dweights[t * k + j] = 0f;
                    continue;
                }
                VectorOps.scaleShift(dy, slot * width, dout, t * width, width, weights[t * k + j], 0f);
                dweights[t * k + j] = VectorOps.dot(dout, t * width, y, slot * width, width);
            }
        }
    }

    /** Marks each named slot in the task's reusable stamp array; true if one is named twice. */
    private static boolean hasDuplicateSlots(RoutingTask t, int[] slotRows, int n, int yRows) {
        if (t.stamps.length < yRows) {
            t.stamps = new int[Math.max(yRows, 2 * t.stamps.length)];
            t.stamp = 0;
        }
        int stamp = ++t.stamp;
        if (stamp == Integer.MAX_VALUE) {
            java.util.Arrays.fill(t.stamps, 0);
            t.stamp = stamp = 1;
        }
        for (int i = 0; i < n; i++) {
            int slot = slotRows[i];
            if (slot != -1) {
                if (t.stamps[slot] == stamp) {
                    return true;
                }
                t.stamps[slot] = stamp;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- index checks

    private static void checkRows(String op, int[] rows, int count, int storageLength, int width) {
        int available = width == 0 ? Integer.MAX_VALUE : storageLength / width;
        for (int i = 0; i < count; i++) {
            int row = rows[i];
            if (row < 0 || row >= available) {
                throw new IndexOutOfBoundsException(op + ": row index " + row + " at position " + i
                        + " outside [0, " + available + ") (storage of " + storageLength + " floats, rows of "
                        + width + ")");
            }
        }
    }

    private static void checkSlots(String op, int[] slots, int n, int storageLength, int width) {
        int available = width == 0 ? Integer.MAX_VALUE : storageLength / width;
        for (int i = 0; i < n; i++) {
            int slot = slots[i];
            if (slot != -1 && (slot < 0 || slot >= available)) {
                throw new IndexOutOfBoundsException(op + ": row index " + slot + " at position " + i
                        + " outside [0, " + available + ") (storage of " + storageLength + " floats, rows of "
                        + width + ")");
            }
        }
    }
}
