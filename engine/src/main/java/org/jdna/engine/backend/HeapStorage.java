package org.jdna.engine.backend;

/**
 * Storage on the Java heap: a plain {@code float[]}. Shared by the CPU backends (reference and SIMD),
 * which may read {@link #data()} directly.
 */
public final class HeapStorage implements Storage {
    private final Backend backend;
    private float[] data;

    public HeapStorage(Backend backend, int length) {
        this(backend, new float[length]);
    }

    public HeapStorage(Backend backend, float[] data) {
        this.backend = backend;
        this.data = data;
    }

    /** The backing array; throws if the storage was closed. */
    public float[] data() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("storage of backend '" + backend.name() + "' was closed");
        }
        return d;
    }

    /** Unwraps a storage that must be a heap storage of a CPU backend. */
    public static float[] of(Storage s) {
        if (s instanceof HeapStorage h) {
            return h.data();
        }
        throw new IllegalArgumentException("expected heap storage, got " + (s == null ? "null" : s.getClass().getSimpleName()
                + " of backend '" + s.backend().name() + "'"));
    }

    @Override public Backend backend() { return backend; }
    @Override public int length() { return data == null ? 0 : data.length; }
    @Override public boolean isClosed() { return data == null; }
    @Override public void close() { data = null; }
}
