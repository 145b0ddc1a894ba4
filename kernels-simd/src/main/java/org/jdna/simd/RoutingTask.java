package org.jdna.simd;

/**
 * The arguments of one routing call, held in fields so that handing the call to the pool allocates
 * nothing (a capturing lambda would be a new object per call). One instance per calling thread,
 * cleared after each call so it pins no arrays.
 *
 * <p>Every call runs as the pool's contiguous chunks (see {@link Parallel}: each thread its home
 * chunk first). Top-k used to let threads claim small units from each other's ranges, so that a
 * slowed-down thread would take fewer; the claims cost more than they saved (measured:
 * benchmarks/results/design-measurements.md), and Parallel's home chunks already let a thread
 * take a chunk whose owner has not started.
 */
final class RoutingTask implements Parallel.RangeBody {
    static final int SELECT = 1;
    static final int ADD = 2;
    static final int TOPK = 3;
    static final int TOPK_BACKWARD = 4;
    static final int COMBINE = 5;
    static final int COMBINE_BACKWARD = 6;

    int kind;
    float[] out;
    float[] a;
    float[] b;
    float[] c;
    float[] d;
    int[] idx;
    int[] indices;
    int count;
    int width;
    int k;
    boolean flag;
    /** combineBackward's duplicate-slot detector: stamps[slot] == stamp when seen in this call. */
    int[] stamps = new int[0];
    int stamp;

    @Override
    public void run(int from, int to) {
        switch (kind) {
            case SELECT -> SimdRouting.selectRange(out, a, idx, width, from, to);
            case ADD -> SimdRouting.addRange(out, a, idx, count, width, from, to);
            case TOPK -> SimdTopK.topkBlocks(indices, out, a, b, c, count, width, k, flag, from, to);
            case TOPK_BACKWARD -> SimdTopKBackward.topkBackwardRange(out, a, b, indices, width, k, flag, from, to);
            case COMBINE -> SimdRouting.combineRange(out, a, b, idx, k, width, from, to);
            case COMBINE_BACKWARD -> SimdRouting.combineBackwardRange(out, a, b, c, d, idx, k, width, from, to);
            default -> throw new IllegalStateException("simd routing: no call in this task (kind " + kind + ")");
        }
    }

    void clear() {
        kind = 0;
        out = a = b = c = d = null;
        idx = indices = null;
    }
}
