package org.jdna.engine.backend;

import java.util.Arrays;

/**
 * The memory primitives of every backend whose storage is a Java float[] ({@link HeapStorage}):
 * the reference and the SIMD backend share them instead of each writing the same five methods.
 */
public interface HeapBackend extends Backend {
    @Override
    default Storage allocate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("allocate: negative length " + length);
        }
        return new HeapStorage(this, length);
    }

    @Override
    default void copyIn(Storage dst, int dstOff, float[] src, int srcOff, int len) {
        System.arraycopy(src, srcOff, HeapStorage.of(dst), dstOff, len);
    }

    @Override
    default void copyOut(Storage src, int srcOff, float[] dst, int dstOff, int len) {
        System.arraycopy(HeapStorage.of(src), srcOff, dst, dstOff, len);
    }

    @Override
    default void copy(Storage dst, int dstOff, Storage src, int srcOff, int len) {
        System.arraycopy(HeapStorage.of(src), srcOff, HeapStorage.of(dst), dstOff, len);
    }

    @Override
    default void fill(Storage dst, int off, int len, float value) {
        Arrays.fill(HeapStorage.of(dst), off, off + len, value);
    }
}
