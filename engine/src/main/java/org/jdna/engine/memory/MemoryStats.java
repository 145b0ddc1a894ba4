package org.jdna.engine.memory;

/**
 * A backend's pool at one moment, in bytes.
 *
 * @param bytesInUse     blocks lent out: to open scopes, to gradients, to tensors closed later
 * @param bytesCached    blocks returned and held for reuse
 * @param peakBytesInUse the most ever in use at once (since the pool was made or its peak reset)
 * @param blocksCreated  blocks the pool had to make (from the heap or the device): flat once warm
 * @param blocksReused   requests served from the cache
 * @param blocksFreed    blocks given back to the heap or the device (a trim, or close)
 */
public record MemoryStats(long bytesInUse, long bytesCached, long peakBytesInUse, long blocksCreated,
                          long blocksReused, long blocksFreed) {

    /** For a backend without a pool. */
    public static final MemoryStats NONE = new MemoryStats(0, 0, 0, 0, 0, 0);

    /** Bytes the pool holds: in use plus cached. */
    public long bytesReserved() {
        return bytesInUse + bytesCached;
    }

    /** "in use 1.2 MiB (peak 3.4 MiB), cached 2.0 MiB" */
    @Override
    public String toString() {
        return "in use " + bytes(bytesInUse) + " (peak " + bytes(peakBytesInUse) + "), cached " + bytes(bytesCached);
    }

    /** Bytes in B, KiB, MiB or GiB, with one decimal above bytes. */
    public static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
