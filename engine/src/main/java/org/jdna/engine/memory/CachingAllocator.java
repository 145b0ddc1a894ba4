package org.jdna.engine.memory;

import java.util.ArrayDeque;

/**
 * The pool logic every backend shares (host arrays, device memory): blocks in {@link SizeClasses},
 * a free list per class, and the statistics. A request takes a cached block of its class (or of one
 * of the next four, at most twice as large) and only asks the {@link Source} for a new block when
 * none is cached; a returned block goes back on its class's list and is never handed to the source
 * on the way, so a training loop stops making blocks once every class has met its largest demand
 * (a routed model's row counts move from step to step: a few steps more than the first). When the
 * source is out of memory, the cache is freed and the request tried once more.
 *
 * <p>Thread-safe: the modules of a routed step allocate from several threads at once.
 *
 * @param <B> a block: a float[], a device address's holder
 */
public final class CachingAllocator<B> {

    /** Where blocks come from and go back to when the cache is freed. */
    public interface Source<B> {
        /** A new block of {@code units} units, or null when there is no memory for it. */
        B allocate(long units);

        /** Gives a block back for good. */
        void free(B block);

        /** The units of a block made by {@link #allocate}. */
        long units(B block);
    }

    /** Classes above a request's own that may serve it from the cache. */
    private static final int LOOK_UP = 4;

    private final Source<B> source;
    private final long unitBytes;
    private final ArrayDeque<B>[] free;
    private long inUse;
    private long cached;
    private long peak;
    private long created;
    private long reused;
    private long freed;
    private boolean closed;

    /** A pool over {@code source}, whose unit is {@code unitBytes} bytes (4 for floats). */
    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of generic free lists
    public CachingAllocator(Source<B> source, long unitBytes) {
        if (unitBytes < 1) {
            throw new IllegalArgumentException("CachingAllocator: unitBytes must be >= 1, got " + unitBytes);
        }
        this.source = source;
        this.unitBytes = unitBytes;
        this.free = new ArrayDeque[SizeClasses.maxClass() + 1];
    }

    /** A block of at least {@code units} units (>= 1); its contents are whatever it held before. */
    public synchronized B take(long units) {
        if (closed) {
            throw new IllegalStateException("memory pool is closed");
        }
        int c = SizeClasses.classOf(units);
        for (int up = c; up <= Math.min(c + LOOK_UP, free.length - 1); up++) {
            ArrayDeque<B> list = free[up];
            if (list != null && !list.isEmpty()) {
                B block = list.pop();
                long bytes = unitBytes * SizeClasses.capacity(up);
                cached -= bytes;
                lend(bytes);
                reused++;
                return block;
            }
        }
        long capacity = SizeClasses.capacity(c);
        B block = source.allocate(capacity);
        if (block == null) {
            releaseCached();
            block = source.allocate(capacity);
            if (block == null) {
                throw new OutOfMemoryError("memory pool: no memory for a block of " + MemoryStats.bytes(unitBytes * capacity)
                        + " (" + stats() + "); a step outside a MemoryScope keeps its intermediates until the collector runs");
            }
        }
        created++;
        lend(unitBytes * capacity);
        return block;
    }

    private void lend(long bytes) {
        inUse += bytes;
        peak = Math.max(peak, inUse);
    }

    /** Returns a block made by this pool; it is cached, or freed when the pool is closed. */
    public synchronized void give(B block) {
        long units = source.units(block);
        int c = SizeClasses.classOf(units);
        if (SizeClasses.capacity(c) != units) {
            throw new IllegalArgumentException("memory pool: a block of " + units + " units was not made here");
        }
        long bytes = unitBytes * units;
        inUse -= bytes;
        if (closed) {
            source.free(block);
            freed++;
            return;
        }
        if (free[c] == null) {
            free[c] = new ArrayDeque<>();
        }
        free[c].push(block);
        cached += bytes;
    }

    /**
     * A block leaves the pool's care without coming back (a kept tensor left to the garbage
     * collector): it no longer counts as in use.
     */
    public synchronized void forget(B block) {
        inUse -= unitBytes * source.units(block);
    }

    /** Frees every cached block to the source; blocks in use are untouched. */
    public synchronized void releaseCached() {
        for (ArrayDeque<B> list : free) {
            if (list == null) {
                continue;
            }
            while (!list.isEmpty()) {
                source.free(list.pop());
                freed++;
            }
        }
        cached = 0;
    }

    /** Frees the cache and every block returned from now on. */
    public synchronized void close() {
        releaseCached();
        closed = true;
    }

    /** Starts a new peak from what is in use now. */
    public synchronized void resetPeak() {
        peak = inUse;
    }

    public synchronized MemoryStats stats() {
        return new MemoryStats(inUse, cached, peak, created, reused, freed);
    }
}
