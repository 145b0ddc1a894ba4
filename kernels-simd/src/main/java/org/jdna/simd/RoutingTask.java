package org.jdna.simd;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The arguments of one routing call, held in fields so that handing the call to the pool allocates
 * nothing (a capturing lambda would be a new object per call). One instance per calling thread,
 * cleared after each call so it pins no arrays.
 *
 * <p>A call either runs the pool's chunks as they come, or (top-k, {@link #claimUnits}) lets each
 * chunk claim units until none is left, so that a thread slowed down by a loaded machine simply
 * takes fewer units. Each chunk has a home range of units (a contiguous share) and claims those
 * first, in order, from its own counter; only then does it take what is left of the others'
 * ranges. One shared counter handed the units out round-robin, so from call to call the same rows
 * went to alternating threads and every output line written had to come back from the other
 * core's cache: top-k at 2 threads ran at 0.8x of one thread's rate per unit (57 vs 36 us for
 * 4096 x 16 on Zen 5). A unit's bounds depend only on its number, so results do not depend on who
 * ran it; a failure is kept by unit, and the lowest unit's is the one rethrown, as a serial loop
 * would have met it first.
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
    /** Claimed mode: units of `unit` indices out of `total`, the next one to claim, the first failure. */
    private boolean claimed;
    private int unit;
    private int total;
    private int chunks;
    /**
     * Chunk c's next unit to claim at [c * PAD], its home range [home(c), home(c + 1)); the
     * counters sit a cache line apart (two threads bumping neighbours would share one).
     */
    private AtomicIntegerArray cursors = new AtomicIntegerArray(0);
    private static final int PAD = 16;
    private Throwable failure;
    private int failedUnit;
    /** combineBackward's duplicate-slot detector: stamps[slot] == stamp when seen in this call. */
    int[] stamps = new int[0];
    int stamp;

    /** Switches this call to claimed mode: [0, total) in units of unit indices. */
    void claimUnits(int total, int unit, int chunks) {
        this.claimed = true;
        this.total = total;
        this.unit = unit;
        this.chunks = chunks;
        this.failure = null;
        this.failedUnit = Integer.MAX_VALUE;
        if (cursors.length() < chunks * PAD) {
            cursors = new AtomicIntegerArray(chunks * PAD);
        }
        for (int c = 0; c < chunks; c++) {
            cursors.set(c * PAD, home(c));
        }
    }

    /** First unit of chunk c's home range (units() for c == chunks). */
    private int home(int c) {
        return (int) ((long) units() * c / chunks);
    }

    /** The number of units of a claimed call. */
    int units() {
        return (total + unit - 1) / unit;
    }

    /** Rethrows the lowest failed unit's exception of a claimed call, if any. */
    void rethrowFailure() {
        Throwable t = failure;
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
    }

    @Override
    public void run(int from, int to) {
        if (!claimed) {
            runRange(from, to);
            return;
        }
        // from = this chunk's number: its own range first, then the others' leftovers in turn
        for (int i = 0; i < chunks; i++) {
            int c = (from + i) % chunks;
            int end = home(c + 1);
            for (int u; (u = cursors.getAndIncrement(c * PAD)) < end; ) {
                try {
                    runRange(u * unit, Math.min(total, (u + 1) * unit));
                } catch (RuntimeException | Error e) {
                    fail(u, e);
                }
            }
        }
    }

    private synchronized void fail(int u, Throwable e) {
        if (u < failedUnit) {
            failedUnit = u;
            failure = e;
        }
    }

    private void runRange(int from, int to) {
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
        claimed = false;
        failure = null;
        out = a = b = c = d = null;
        idx = indices = null;
    }
}
