package org.jdna.engine.backend;

import java.util.Arrays;

import org.jdna.engine.memory.CachingAllocator;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.memory.MemoryStats;

/**
 * The caching allocator of a heap backend: storages allocated inside a {@link MemoryScope} borrow
 * float arrays of a size class, zeroed up to the length asked, and return them when the scope ends.
 * Outside any scope a storage gets an array of its own, exactly as long as asked, and the garbage
 * collector takes it as before.
 */
public final class HeapPool {
    /** Longer storages always get an array of their own (the size class could pass the array limit). */
    private static final int LARGEST_POOLED = 1 << 30;

    private final CachingAllocator<float[]> blocks = new CachingAllocator<>(new CachingAllocator.Source<>() {
        @Override
        public float[] allocate(long units) {
            try {
                return new float[Math.toIntExact(units)];
            } catch (OutOfMemoryError e) {
                return null;
            }
        }

        @Override
        public void free(float[] block) {
            // the garbage collector takes it
        }

        @Override
        public long units(float[] block) {
            return block.length;
        }
    }, Float.BYTES);

    /** A zero-filled storage of {@code length} floats for {@code backend}; see the class comment. */
    public Storage allocate(Backend backend, int length) {
        return allocate(backend, length, true);
    }

    /**
     * A storage of {@code length} floats for {@code backend}, zero-filled when {@code zero} (else a pooled
     * block keeps its old contents: {@link Backend#allocateForOverwrite}).
     */
    public Storage allocate(Backend backend, int length, boolean zero) {
        if (length < 0) {
            throw new IllegalArgumentException("allocate: negative length " + length);
        }
        MemoryScope.Tracker scope = length == 0 || length > LARGEST_POOLED ? null : MemoryScope.tracker();
        if (scope == null) {
            return new HeapStorage(backend, length);
        }
        float[] array = blocks.take(length);
        if (zero) {
            Arrays.fill(array, 0, length, 0f);
        }
        HeapStorage s = new HeapStorage(backend, array, length, this);
        scope.track(s);
        return s;
    }

    void give(float[] array) {
        blocks.give(array);
    }

    void forget(float[] array) {
        blocks.forget(array);
    }

    public MemoryStats stats() {
        return blocks.stats();
    }

    /** Lets the garbage collector have every cached array. */
    public void releaseCached() {
        blocks.releaseCached();
    }

    /** Starts a new peak from what is in use now. */
    public void resetPeak() {
        blocks.resetPeak();
    }
}
