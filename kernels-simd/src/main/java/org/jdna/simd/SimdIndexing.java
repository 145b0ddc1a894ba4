package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;

import org.jdna.engine.backend.IndexingKernels;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.reference.ReferenceBackend;

/**
 * Moving rows by index: row gather and scatter-add split over the pool, dispatch
 * ({@link SimdDispatch}: the sort and the gather fused and split over the pool). Gather and
 * scatter-add along an axis are not hot (the engine's gather op) and run the reference's loops on
 * the same heap arrays.
 *
 * <p>Steady state allocates nothing: each primitive's arguments travel in its own
 * {@link KernelTask}, one per calling thread. Indices are checked before any work starts, so a bad
 * index leaves the outputs untouched.
 *
 * <p>Determinism: the gathers split over output rows; indexAddRows splits over destination row
 * ranges, each thread walking all sources in increasing order and taking only its own rows, so
 * every destination row sums in the specified order whatever the thread count.
 *
 * <p>Legend: W row width.
 */
final class SimdIndexing implements IndexingKernels {
    /** Floats moved per parallel chunk. */
    private static final int GRAIN = 1 << 14;
    private static final IndexingKernels SCALAR = ReferenceBackend.INSTANCE.indexing();

    private final Parallel parallel;
    private final SimdDispatch dispatch;
    private final ThreadLocal<SelectRows> selects = ThreadLocal.withInitial(SelectRows::new);
    private final ThreadLocal<AddRows> adds = ThreadLocal.withInitial(AddRows::new);

    SimdIndexing(Parallel parallel) {
        this.parallel = parallel;
        this.dispatch = new SimdDispatch(parallel);
    }

    private static int rowGrain(int width) {
        return Math.max(1, GRAIN / Math.max(1, width));
    }

    // ---------------------------------------------------------------- row gather / scatter-add

    /** out[i, :] = src[rows[i], :], i in [0, count). */
    @Override
    public void indexSelectRows(Storage outS, Storage srcS, int[] rows, int count, int width) {
        float[] out = array(outS), src = array(srcS);
        int srcLength = srcS.length();
        checkRows("indexSelectRows", rows, count, srcLength, width);
        selects.get().with(out, src, rows, width).runOn(parallel, count, rowGrain(width));
    }

    /** indexSelectRows over positions [from, to). */
    private static final class SelectRows extends KernelTask {
        private float[] out;
        private float[] src;
        private int[] rows;
        private int width;

        SelectRows with(float[] out, float[] src, int[] rows, int width) {
            this.out = out;
            this.src = src;
            this.rows = rows;
            this.width = width;
            return this;
        }

        @Override
        public void run(int from, int to) {
            for (int i = from; i < to; i++) {
                System.arraycopy(src, rows[i] * width, out, i * width, width);
            }
        }

        @Override
        void clear() {
            out = src = null;
            rows = null;
        }
    }

    /** dst[rows[i], :] += src[i, :], in increasing i per destination row. */
    @Override
    public void indexAddRows(Storage dstS, Storage srcS, int[] rows, int count, int width) {
        float[] dst = array(dstS), src = array(srcS);
        int dstLength = dstS.length();
        checkRows("indexAddRows", rows, count, dstLength, width);
        int dstRows = width == 0 ? 0 : dstLength / width;
        // chunks over destination rows, as many as the floats moved justify (each scans all indices)
        long moved = (long) count * width;
        adds.get().with(dst, src, rows, count, width)
                .runOn(parallel, dstRows, (int) Math.max(1, dstRows / Math.max(1, moved / GRAIN)));
    }

    /** The part of indexAddRows whose destination rows lie in [rowFrom, rowTo). */
    private static final class AddRows extends KernelTask {
        private float[] dst;
        private float[] src;
        private int[] rows;
        private int count;
        private int width;

        AddRows with(float[] dst, float[] src, int[] rows, int count, int width) {
            this.dst = dst;
            this.src = src;
            this.rows = rows;
            this.count = count;
            this.width = width;
            return this;
        }

        @Override
        public void run(int rowFrom, int rowTo) {
            for (int i = 0; i < count; i++) {
                int row = rows[i];
                if (row >= rowFrom && row < rowTo) {
                    VectorOps.add(dst, row * width, src, i * width, width);
                }
            }
        }

        @Override
        void clear() {
            dst = src = null;
            rows = null;
        }
    }

    // ---------------------------------------------------------------- dispatch, axis gather and scatter-add

    @Override
    public int dispatch(Storage out, int[] counts, int[] offsets, int[] tokenOfRow, int[] slotRow, Storage src,
                        int[] choices, boolean[] skipped, int tokens, int k, int experts, int width) {
        return dispatch.dispatch(out, counts, offsets, tokenOfRow, slotRow, src, choices, skipped, tokens, k, experts,
                width);
    }

    /** Not hot (the engine's gather along an axis): the reference loop. */
    @Override
    public void gather(Storage out, Storage x, int[] idx, int outer, int len, int inner, int idxLen) {
        SCALAR.gather(out, x, idx, outer, len, inner, idxLen);
    }

    /** Not hot: the reference loop (its order is the specified one). */
    @Override
    public void scatterAdd(Storage dx, Storage dout, int[] idx, int outer, int len, int inner, int idxLen) {
        SCALAR.scatterAdd(dx, dout, idx, outer, len, inner, idxLen);
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
}
