package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The routing primitives: row gather and scatter-add, router top-k (forward and backward) and the
 * weighted combine (forward and backward).
 *
 * <p>Steady state allocates nothing: the arguments of a call travel in a {@link RoutingTask}
 * reused per calling thread, and the only scratch, top-k's columns, is allocated once per thread.
 * Indices are checked before any work starts, so a bad index leaves the outputs untouched.
 *
 * <p>Determinism: top-k (in whole blocks of rows), combine and the gathers split over output
 * rows, each computed the same way whichever thread gets it; indexAddRows splits over
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
    void indexSelectRows(float[] out, float[] src, int srcLength, int[] rows, int count, int width) {
        checkRows("indexSelectRows", rows, count, srcLength, width);
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
    void indexAddRows(float[] dst, int dstLength, float[] src, int[] rows, int count, int width) {
        checkRows("indexAddRows", rows, count, dstLength, width);
        int dstRows = width == 0 ? 0 : dstLength / width;
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
     * probs (R, E) = softmax(logits); per row the K largest of probs + bias, in descending order,
     * ties to the lower index; weights = chosen probs, renormalised when asked ({@link SimdTopK}).
     */
    void topk(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias,
              int rows, int experts, int k, boolean renormalize) {
        if (k < 0 || k > experts) {
            throw new IllegalArgumentException("topk: K = " + k + " must be in [0, E = " + experts + "]");
        }
        RoutingTask t = tasks.get();
        t.kind = RoutingTask.TOPK;
        t.indices = indices;
        t.out = weights;
        t.a = probs;
        t.b = logits;
        t.c = bias;
        t.count = rows;
        t.width = experts;
        t.k = k;
        t.flag = renormalize;
        // chunks of whole blocks of rows
        int blockRows = SimdTopK.BLOCK_ROWS;
        run(t, (rows + blockRows - 1) / blockRows, Math.max(1, rowGrain(4 * experts) / blockRows));
    }

    /**
     * Through the weights only: dprobs = (renormalised) dweights at the chosen experts, then
     * dlogits = p * (dprobs - sum(dprobs * p)) ({@link SimdTopKBackward}).
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

    // ---------------------------------------------------------------- combine

    /** out[t, :] = sum_j weights[t, j] * y[slotRows[t, j], :], skipping -1 slots, j in order. */
    void combine(float[] out, float[] y, int yLength, float[] weights, int[] slotRows, int tokens, int k, int width) {
        checkSlots("combine", slotRows, tokens * k, yLength, width);
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
            // K = 1 and K = 2 with every slot used (the common case): no slot test or index load inside
            // the column loop, the same FMAs in the same order as the general loop below (bit-identical).
            // Faster at large D (benchmarks/results/design-measurements.md): the general loop's
            // per-column branches and reloads keep too few row loads in flight to cover the scattered
            // rows' cache misses.
            if (S != null && k == 1 && slotRows[t] != -1) {
                int row0 = slotRows[t] * width;
                float w0 = weights[t];
                for (int up = S.loopBound(width); c < up; c += L) {
                    FloatVector.fromArray(S, y, row0 + c).fma(FloatVector.broadcast(S, w0), FloatVector.zero(S))
                            .intoArray(out, outBase + c);
                }
            } else if (S != null && k == 2 && slotRows[2 * t] != -1 && slotRows[2 * t + 1] != -1) {
                int row0 = slotRows[2 * t] * width;
                int row1 = slotRows[2 * t + 1] * width;
                float w0 = weights[2 * t];
                float w1 = weights[2 * t + 1];
                for (int up = S.loopBound(width); c < up; c += L) {
                    FloatVector.fromArray(S, y, row1 + c).fma(FloatVector.broadcast(S, w1),
                            FloatVector.fromArray(S, y, row0 + c).fma(FloatVector.broadcast(S, w0), FloatVector.zero(S)))
                            .intoArray(out, outBase + c);
                }
            } else if (S != null) {
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
    void combineBackward(float[] dy, float[] dweights, float[] dout, float[] y, int yLength, float[] weights,
                         int[] slotRows, int tokens, int k, int width) {
        checkSlots("combineBackward", slotRows, tokens * k, yLength, width);
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
        int grain = hasDuplicateSlots(t, slotRows, tokens * k, width == 0 ? 0 : yLength / width)
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
