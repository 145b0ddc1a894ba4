package org.jdna.simd;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The arguments of one routing call, held in fields so that handing the call to the pool allocates
 * nothing (a capturing lambda would be a new object per call). One instance per calling thread,
 * cleared after each call so it pins no arrays.
 *
 * <p>A call either runs the pool's chunks as they come, or (top-k, {@link #claimUnits}) lets each
 * chunk claim units of its range from a shared counter until none is left, so that a thread slowed
 * down by a loaded machine simply takes fewer units. A unit's bounds depend only on its number, so
 * results do not depend on who ran it; a failure is kept by unit, and the lowest unit's is the one
 * rethrown, as a serial loop would have met it first.
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
    private final AtomicInteger nextUnit = new AtomicInteger();
    private Throwable failure;
    private int failedUnit;
    /** combineBackward's duplicate-slot detector: stamps[slot] == stamp when seen in this call. */
    int[] stamps = new int[0];
    int stamp;

    /** Switches this call to claimed mode: [0, total) in units of unit indices. */
    void claimUnits(int total, int unit) {
        this.claimed = true;
        this.total = total;
        this.unit = unit;
        this.failure = null;
        this.failedUnit = Integer.MAX_VALUE;
        nextUnit.set(0);
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
        for (int u; (u = nextUnit.getAndIncrement()) < units(); ) {
            try {
                runRange(u * unit, Math.min(total, (u + 1) * unit));
            } catch (RuntimeException | Error e) {
                fail(u, e);
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
