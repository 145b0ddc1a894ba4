package org.jdna.engine.backend;

/**
 * Storage on the Java heap: a plain {@code float[]}. Shared by the CPU backends (reference and SIMD),
 * which may read {@link #data()} directly.
 *
 * <p>A storage allocated inside a {@link org.jdna.engine.memory.MemoryScope} borrows its array from
 * the backend's {@link HeapPool}: the array may be longer than {@link #length()} (a size class), and
 * elements past the length belong to no one. Closing such a storage hands the array back and cuts
 * this handle off from it, so a later read through the handle throws instead of seeing the next
 * borrower's data.
 */
public final class HeapStorage implements Storage {
    private final Backend backend;
    private final int length;
    private float[] data;
    private HeapPool pool;   // the array's lender, or null: the array is this storage's own

    public HeapStorage(Backend backend, int length) {
        this(backend, new float[length]);
    }

    public HeapStorage(Backend backend, float[] data) {
        this(backend, data, data.length, null);
    }

    HeapStorage(Backend backend, float[] data, int length, HeapPool pool) {
        this.backend = backend;
        this.data = data;
        this.length = length;
        this.pool = pool;
    }

    /** The backing array (at least {@link #length()} floats); throws if the storage was closed. */
    public float[] data() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("storage of " + length + " floats of backend '" + backend.name()
                    + "' was used after it was closed or its memory scope ended");
        }
        return d;
    }

    /**
     * The array of a storage that must be a heap storage of a CPU backend (the array may be longer
     * than the storage's length). A heap kernel reads its arrays once, on its first line, and names
     * them as the SPI names the storages, which then carry an {@code S}:
     * {@code float[] out = array(outS), x = array(xS);}.
     */
    public static float[] array(Storage s) {
        if (s instanceof HeapStorage h) {
            return h.data();
        }
        throw new IllegalArgumentException("expected heap storage, got " + (s == null ? "null" : s.getClass().getSimpleName()
                + " of backend '" + s.backend().name() + "'"));
    }

    /** {@link #array}, or null for an optional storage left out (a null weight, bias or mask). */
    public static float[] arrayOrNull(Storage s) {
        return s == null ? null : array(s);
    }

    /** True while the array is borrowed from a pool (it goes back there on close). */
    public boolean isPooled() {
        return pool != null;
    }

    /** The array stops being the pool's: it stays with this storage and goes to the garbage collector with it. */
    public void leavePool() {
        HeapPool p = pool;
        if (p != null && data != null) {
            pool = null;
            p.forget(data);
        }
    }

    @Override public Backend backend() { return backend; }
    @Override public int length() { return data == null ? 0 : length; }
    @Override public boolean isClosed() { return data == null; }

    @Override
    public void close() {
        float[] d = data;
        if (d == null) {
            return;
        }
        data = null;
        HeapPool p = pool;
        if (p != null) {
            pool = null;
            p.give(d);
        }
    }
}
