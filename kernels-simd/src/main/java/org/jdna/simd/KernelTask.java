package org.jdna.simd;

/**
 * One kernel's parallel loop body, with that kernel's arguments in typed fields. A kernel keeps an
 * instance per calling thread, sets its arguments and runs it over the pool ({@link #runOn}): handing
 * it to the pool allocates nothing, where a capturing lambda or a record of the arguments would be
 * a new object per call (the pool publishes the body to its workers, so it always escapes). The
 * arguments are cleared after each call so that a task pins no arrays between calls.
 *
 * <p>Every call runs as the pool's contiguous chunks (see {@link Parallel}: each thread its home
 * chunk first). Top-k used to let threads claim small units from each other's ranges, so that a
 * slowed-down thread would take fewer; the claims cost more than they saved (measured:
 * benchmarks/results/design-measurements.md), and Parallel's home chunks already let a thread
 * take a chunk whose owner has not started.
 */
abstract class KernelTask implements Parallel.RangeBody {

    /** Runs this task over [0, n) in chunks of at least {@code grain} indices, then clears its arguments. */
    final void runOn(Parallel parallel, int n, int grain) {
        try {
            parallel.forRange(n, grain, this);
        } finally {
            clear();
        }
    }

    /** Drops the call's arrays. */
    abstract void clear();
}
