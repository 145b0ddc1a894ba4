package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;

import org.jdna.engine.backend.DispatchSort;
import org.jdna.engine.backend.Storage;

/**
 * Dispatch (the stable counting sort of (token, slot) pairs by module, and the row gather) split
 * over the pool's threads, with the gather done as the pairs are placed.
 *
 * <p>The tokens are cut into fixed contiguous chunks, one per thread, and the call runs in three
 * steps:
 * <ol>
 *   <li>in parallel, each chunk counts its pairs per module into its own histogram row and checks
 *       the module indices;</li>
 *   <li>serially (E x chunks additions), counts and offsets, then each chunk's first row in module
 *       e: offsets[e] plus the rows of e in the chunks before it;</li>
 *   <li>in parallel, each chunk places its pairs from those cursors and copies the token's row of
 *       src to the pair's row of out as it goes.</li>
 * </ol>
 * Within a module, rows then come chunk by chunk and, inside a chunk, pair by pair: the order of
 * the serial sort ({@link DispatchSort}), whatever the thread count. A serial sort before the
 * parallel copy left the second thread idle while it ran (benchmarks/results/design-measurements.md);
 * fused, the sort costs one extra read of the choices per thread.
 *
 * <p>Legend: N tokens, K slots, E modules, R rows, W row width. Steady state allocates nothing:
 * the call's arguments and the histograms live in a {@link Call} reused per calling thread.
 */
final class SimdDispatch {
    /** Floats moved per chunk (as the other routing kernels). */
    private static final int GRAIN = 1 << 14;
    /**
     * Ints in a cache line. Each chunk's histogram (later its cursors, bumped once per pair) is
     * fenced by a line of padding on each side: the array's header puts element 0 off a line
     * boundary, so rows padded only to whole lines still shared a line, and a 2-thread dispatch
     * ran slower than with one thread.
     */
    private static final int LINE_INTS = 16;

    private final Parallel parallel;
    private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);

    SimdDispatch(Parallel parallel) {
        this.parallel = parallel;
    }

    /** See {@link org.jdna.engine.backend.IndexingKernels#dispatch}; out is (R, W), src (N, W). Returns R. */
    int dispatch(Storage outS, int[] counts, int[] offsets, int[] tokenOfRow, int[] slotRow, Storage srcS,
                 int[] choices, boolean[] skipped, int tokens, int k, int experts, int width) {
        float[] out = array(outS), src = array(srcS);
        int outLength = outS.length();
        int srcLength = srcS.length();
        int pairs = DispatchSort.checkArguments(counts, offsets, slotRow, choices, skipped, tokens, k, experts);
        if ((long) tokens * width > srcLength) {
            throw new IllegalArgumentException("dispatch: src holds " + srcLength + " floats, less than N = "
                    + tokens + " rows of W = " + width);
        }
        int chunks = parallel.chunks(pairs, Math.max(1, GRAIN / Math.max(1, width)));
        Call call = calls.get();
        call.begin(chunks, experts);
        call.choices = choices;
        call.skipped = skipped;
        call.tokens = tokens;
        call.k = k;
        call.experts = experts;
        try {
            call.placing = false;
            parallel.forRange(chunks, 1, call);
            int rows = call.cursorsFromHistograms(counts, offsets);
            DispatchSort.checkOutputs(tokenOfRow, outLength, rows, width);
            call.placing = true;
            call.out = out;
            call.src = src;
            call.tokenOfRow = tokenOfRow;
            call.slotRow = slotRow;
            call.width = width;
            parallel.forRange(chunks, 1, call);
            return rows;
        } finally {
            call.clear();
        }
    }

    /**
     * One dispatch call's arguments and its per-chunk histograms (chunk c's E counts at
     * LINE_INTS + c * stride, stride a line more than E rounded up to lines), kept in
     * fields so that handing the call to the pool allocates nothing.
     */
    private static final class Call implements Parallel.RangeBody {
        int[] choices;
        boolean[] skipped;
        float[] out;
        float[] src;
        int[] tokenOfRow;
        int[] slotRow;
        int tokens;
        int k;
        int experts;
        int width;
        boolean placing;
        private int chunks;
        private int stride;
        private int[] histograms = new int[0];

        void begin(int chunks, int experts) {
            this.chunks = chunks;
            this.stride = (experts + LINE_INTS - 1) / LINE_INTS * LINE_INTS + LINE_INTS;
            if (histograms.length < LINE_INTS + chunks * stride) {
                histograms = new int[LINE_INTS + chunks * stride];
            }
        }

        /** Tokens [first(c), first(c + 1)) are chunk c's. */
        private int first(int c) {
            return (int) ((long) tokens * c / chunks);
        }

        @Override
        public void run(int from, int to) {
            for (int c = from; c < to; c++) {
                if (placing) {
                    place(c);
                } else {
                    count(c);
                }
            }
        }

        /** Chunk c's pairs per module (skipped modules counted too; they are dropped later). */
        private void count(int c) {
            int[] h = histograms;
            int base = LINE_INTS + c * stride;
            java.util.Arrays.fill(h, base, base + experts, 0);
            int end = first(c + 1) * k;
            for (int s = first(c) * k; s < end; s++) {
                int e = choices[s];
                if (e < 0 || e >= experts) {
                    throw DispatchSort.badModule(e, s, k, experts);
                }
                h[base + e]++;
            }
        }

        /**
         * Counts and offsets from the histograms, which become cursors: chunk c's first row in
         * module e. Returns R.
         */
        int cursorsFromHistograms(int[] counts, int[] offsets) {
            int[] h = histograms;
            offsets[0] = 0;
            for (int e = 0; e < experts; e++) {
                int row = offsets[e];
                if (skipped == null || !skipped[e]) {
                    for (int c = 0; c < chunks; c++) {
                        int n = h[LINE_INTS + c * stride + e];
                        h[LINE_INTS + c * stride + e] = row;
                        row += n;
                    }
                }
                counts[e] = row - offsets[e];
                offsets[e + 1] = row;
            }
            return offsets[experts];
        }

        /** Places chunk c's pairs (rows in pair order per module) and copies their token rows. */
        private void place(int c) {
            int[] cursor = histograms;
            int base = LINE_INTS + c * stride;
            int w = width;
            for (int t = first(c), end = first(c + 1); t < end; t++) {
                for (int j = 0, s = t * k; j < k; j++, s++) {
                    int e = choices[s];
                    if (skipped != null && skipped[e]) {
                        slotRow[s] = -1;
                        continue;
                    }
                    int row = cursor[base + e]++;
                    tokenOfRow[row] = t;
                    slotRow[s] = row;
                    System.arraycopy(src, t * w, out, row * w, w);
                }
            }
        }

        void clear() {
            choices = null;
            skipped = null;
            out = src = null;
            tokenOfRow = slotRow = null;
        }
    }
}
