package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jdna.engine.backend.RoutingKernels;
import org.jdna.engine.backend.Storage;

/**
 * The routing primitives: router top-k (forward and backward) and the weighted combine (forward and
 * backward).
 *
 * <p>Steady state allocates nothing: each primitive's arguments travel in its own {@link KernelTask}
 * (the nested classes below), one per calling thread, and the only scratch, top-k's columns, is
 * allocated once per thread.
 * Indices are checked before any work starts, so a bad index leaves the outputs untouched.
 *
 * <p>Determinism: top-k (in whole blocks of rows) and combine split over output rows, each computed
 * the same way whichever thread gets it; combineBackward splits over tokens unless two slots name
 * the same row of dy, and then runs serially.
 *
 * <p>Legend: R rows (tokens), E experts/modules, K top-k, W row width, T tokens of a combine.
 */
final class SimdRouting implements RoutingKernels {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** Floats moved per parallel chunk. */
    private static final int GRAIN = 1 << 14;

    private final Parallel parallel;
    private final ThreadLocal<TopK> topks = ThreadLocal.withInitial(TopK::new);
    private final ThreadLocal<TopKBackward> topkBackwards = ThreadLocal.withInitial(TopKBackward::new);
    private final ThreadLocal<Combine> combines = ThreadLocal.withInitial(Combine::new);
    private final ThreadLocal<CombineBackward> combineBackwards = ThreadLocal.withInitial(CombineBackward::new);

    SimdRouting(Parallel parallel) {
        this.parallel = parallel;
    }

    private static int rowGrain(int width) {
        return Math.max(1, GRAIN / Math.max(1, width));
    }

    // ---------------------------------------------------------------- top-k

    /**
     * probs (R, E) = softmax(logits); per row the K largest of probs + bias, in descending order,
     * ties to the lower index; weights = chosen probs, renormalised when asked ({@link SimdTopK}).
     */
    @Override
    public void topk(int[] indices, Storage weightsS, Storage probsS, Storage logitsS, float[] bias, int rows,
                     int experts, int k, boolean renormalize) {
        float[] weights = array(weightsS), probs = array(probsS), logits = array(logitsS);
        if (k < 0 || k > experts) {
            throw new IllegalArgumentException("topk: K = " + k + " must be in [0, E = " + experts + "]");
        }
        // chunks of whole blocks of rows
        int blockRows = SimdTopK.BLOCK_ROWS;
        topks.get().with(indices, weights, probs, logits, bias, rows, experts, k, renormalize)
                .runOn(parallel, (rows + blockRows - 1) / blockRows, Math.max(1, rowGrain(4 * experts) / blockRows));
    }

    /** topk over blocks of rows [fromBlock, toBlock) ({@link SimdTopK#topkBlocks}). */
    private static final class TopK extends KernelTask {
        private int[] indices;
        private float[] weights;
        private float[] probs;
        private float[] logits;
        private float[] bias;
        private int rows;
        private int experts;
        private int k;
        private boolean renormalize;

        TopK with(int[] indices, float[] weights, float[] probs, float[] logits, float[] bias, int rows, int experts,
                  int k, boolean renormalize) {
            this.indices = indices;
            this.weights = weights;
            this.probs = probs;
            this.logits = logits;
            this.bias = bias;
            this.rows = rows;
            this.experts = experts;
            this.k = k;
            this.renormalize = renormalize;
            return this;
        }

        @Override
        public void run(int fromBlock, int toBlock) {
            SimdTopK.topkBlocks(indices, weights, probs, logits, bias, rows, experts, k, renormalize, fromBlock, toBlock);
        }

        @Override
        void clear() {
            indices = null;
            weights = probs = logits = bias = null;
        }
    }

    /**
     * Through the weights only: dprobs = (renormalised) dweights at the chosen experts, then
     * dlogits = p * (dprobs - sum(dprobs * p)) ({@link SimdTopKBackward}).
     */
    @Override
    public void topkBackward(Storage dlogitsS, Storage dweightsS, Storage probsS, int[] indices, int rows,
                             int experts, int k, boolean renormalize) {
        float[] dlogits = array(dlogitsS), dweights = array(dweightsS), probs = array(probsS);
        for (int i = 0; i < rows * k; i++) {
            if (indices[i] < 0 || indices[i] >= experts) {
                throw new IndexOutOfBoundsException("topkBackward: index " + indices[i] + " at position " + i
                        + " outside [0, " + experts + ")");
            }
        }
        topkBackwards.get().with(dlogits, dweights, probs, indices, experts, k, renormalize)
                .runOn(parallel, rows, rowGrain(4 * experts));
    }

    /** topkBackward over rows [from, to) ({@link SimdTopKBackward#topkBackwardRange}). */
    private static final class TopKBackward extends KernelTask {
        private float[] dlogits;
        private float[] dweights;
        private float[] probs;
        private int[] indices;
        private int experts;
        private int k;
        private boolean renormalize;

        TopKBackward with(float[] dlogits, float[] dweights, float[] probs, int[] indices, int experts, int k,
                          boolean renormalize) {
            this.dlogits = dlogits;
            this.dweights = dweights;
            this.probs = probs;
            this.indices = indices;
            this.experts = experts;
            this.k = k;
            this.renormalize = renormalize;
            return this;
        }

        @Override
        public void run(int from, int to) {
            SimdTopKBackward.topkBackwardRange(dlogits, dweights, probs, indices, experts, k, renormalize, from, to);
        }

        @Override
        void clear() {
            dlogits = dweights = probs = null;
            indices = null;
        }
    }

    // ---------------------------------------------------------------- combine

    /** out[t, :] = sum_j weights[t, j] * y[slotRows[t, j], :], skipping -1 slots, j in order. */
    @Override
    public void combine(Storage outS, Storage yS, Storage weightsS, int[] slotRows, int tokens, int k, int width) {
        float[] out = array(outS), y = array(yS), weights = array(weightsS);
        int yLength = yS.length();
        checkSlots("combine", slotRows, tokens * k, yLength, width);
        combines.get().with(out, y, weights, slotRows, k, width).runOn(parallel, tokens, rowGrain(width * (k + 1)));
    }

    /** combine over tokens [from, to). */
    private static final class Combine extends KernelTask {
        private float[] out;
        private float[] y;
        private float[] weights;
        private int[] slotRows;
        private int k;
        private int width;

        Combine with(float[] out, float[] y, float[] weights, int[] slotRows, int k, int width) {
            this.out = out;
            this.y = y;
            this.weights = weights;
            this.slotRows = slotRows;
            this.k = k;
            this.width = width;
            return this;
        }

        @Override
        public void run(int from, int to) {
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

        @Override
        void clear() {
            out = y = weights = null;
            slotRows = null;
        }
    }

    /**
     * dy[slot, :] = weights[t, j] * dout[t, :] and dweights[t, j] = dout[t, :] . y[slot, :] (0 for -1).
     * Slots named twice would race between threads: then the call runs serially, in order.
     */
    @Override
    public void combineBackward(Storage dyS, Storage dweightsS, Storage doutS, Storage yS, Storage weightsS,
                                int[] slotRows, int tokens, int k, int width) {
        float[] dy = array(dyS), dweights = array(dweightsS), dout = array(doutS), y = array(yS),
                weights = array(weightsS);
        int yLength = yS.length();
        checkSlots("combineBackward", slotRows, tokens * k, yLength, width);
        CombineBackward task = combineBackwards.get();
        int grain = task.hasDuplicateSlots(slotRows, tokens * k, width == 0 ? 0 : yLength / width)
                ? Integer.MAX_VALUE : rowGrain(width * (2 * k + 1));
        task.with(dy, dweights, dout, y, weights, slotRows, k, width).runOn(parallel, tokens, grain);
    }

    /** combineBackward over tokens [from, to), and the duplicate-slot test that decides whether to split. */
    private static final class CombineBackward extends KernelTask {
        private float[] dy;
        private float[] dweights;
        private float[] dout;
        private float[] y;
        private float[] weights;
        private int[] slotRows;
        private int k;
        private int width;
        /** The duplicate-slot detector: stamps[slot] == stamp when seen in this call. */
        private int[] stamps = new int[0];
        private int stamp;

        CombineBackward with(float[] dy, float[] dweights, float[] dout, float[] y, float[] weights, int[] slotRows,
                             int k, int width) {
            this.dy = dy;
            this.dweights = dweights;
            this.dout = dout;
            this.y = y;
            this.weights = weights;
            this.slotRows = slotRows;
            this.k = k;
            this.width = width;
            return this;
        }

        @Override
        public void run(int from, int to) {
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

        @Override
        void clear() {
            dy = dweights = dout = y = weights = null;
            slotRows = null;
        }

        /** Marks each named slot in the reusable stamp array; true if one is named twice. */
        boolean hasDuplicateSlots(int[] slotRows, int n, int yRows) {
            if (stamps.length < yRows) {
                stamps = new int[Math.max(yRows, 2 * stamps.length)];
                stamp = 0;
            }
            int current = ++stamp;
            if (current == Integer.MAX_VALUE) {
                java.util.Arrays.fill(stamps, 0);
                stamp = current = 1;
            }
            for (int i = 0; i < n; i++) {
                int slot = slotRows[i];
                if (slot != -1) {
                    if (stamps[slot] == current) {
                        return true;
                    }
                    stamps[slot] = current;
                }
            }
            return false;
        }
    }

    // ---------------------------------------------------------------- index checks

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
