package org.jdna.engine.backend;

import java.util.Arrays;

import org.jdna.engine.memory.MemoryStats;

/**
 * The memory primitives of every backend whose storage is a Java float[] ({@link HeapStorage}):
 * the reference and the SIMD backend share them instead of each writing the same five methods.
 * Ranges are checked against a storage's length, not its array's (a pooled array may be longer).
 */
public interface HeapBackend extends Backend {

    /** This backend's caching allocator (one per backend instance). */
    HeapPool heapPool();

    @Override
    default Storage allocate(int length) {
        return heapPool().allocate(this, length);
    }

    @Override
    default Storage allocateForOverwrite(int length) {
        return heapPool().allocate(this, length, false);
    }

    @Override
    default MemoryStats memoryStats() {
        return heapPool().stats();
    }

    @Override
    default void releaseCachedMemory() {
        heapPool().releaseCached();
    }

    @Override
    default void resetMemoryPeak() {
        heapPool().resetPeak();
    }

    @Override
    default void copyIn(Storage dst, int dstOff, float[] src, int srcOff, int len) {
        checkRange("copyIn", dst, dstOff, len);
        System.arraycopy(src, srcOff, HeapStorage.array(dst), dstOff, len);
    }

    @Override
    default void copyOut(Storage src, int srcOff, float[] dst, int dstOff, int len) {
        checkRange("copyOut", src, srcOff, len);
        System.arraycopy(HeapStorage.array(src), srcOff, dst, dstOff, len);
    }

    @Override
    default void copy(Storage dst, int dstOff, Storage src, int srcOff, int len) {
        checkRange("copy", src, srcOff, len);
        checkRange("copy", dst, dstOff, len);
        System.arraycopy(HeapStorage.array(src), srcOff, HeapStorage.array(dst), dstOff, len);
    }

    @Override
    default void fill(Storage dst, int off, int len, float value) {
        checkRange("fill", dst, off, len);
        Arrays.fill(HeapStorage.array(dst), off, off + len, value);
    }

    /** An IndexOutOfBoundsException naming {@code op} unless [off, off + len) lies within s's length. */
    static void checkRange(String op, Storage s, int off, int len) {
        if (off < 0 || len < 0 || (long) off + len > s.length()) {
            throw new IndexOutOfBoundsException(op + ": range [" + off + ", " + ((long) off + len)
                    + ") outside a storage of " + s.length() + " floats");
        }
    }
}
