package org.jdna.engine.memory;

/**
 * The block sizes a caching allocator hands out, in units of its choice (floats on the heap,
 * 512-byte granules on a device). A request of n units gets the smallest class of at least n:
 * class 0 holds {@link #SMALLEST} units; above that each power of two is cut into four steps, so a
 * block is at most a quarter larger than asked. Tensors whose row counts change from step to step
 * (the modules of a routed step) then share a few classes instead of each length needing its own.
 */
public final class SizeClasses {
    /** Units of class 0; every smaller request is rounded up to it. */
    public static final long SMALLEST = 64;

    private static final int SMALLEST_BITS = 6;

    private SizeClasses() {
    }

    /** The class of a request of {@code units} (>= 1). */
    public static int classOf(long units) {
        if (units < 1) {
            throw new IllegalArgumentException("SizeClasses: a request of " + units + " units");
        }
        if (units <= SMALLEST) {
            return 0;
        }
        int b = 63 - Long.numberOfLeadingZeros(units - 1);            // 2^b < units <= 2^(b+1)
        int step = (int) ((units - 1 - (1L << b)) >> (b - 2));      // 0..3: which quarter of (2^b, 2^(b+1)]
        return 1 + 4 * (b - SMALLEST_BITS) + step;
    }

    /** Units of a block of class {@code c}. */
    public static long capacity(int c) {
        if (c < 0 || c > maxClass()) {
            throw new IllegalArgumentException("SizeClasses: no class " + c);
        }
        if (c == 0) {
            return SMALLEST;
        }
        int b = SMALLEST_BITS + (c - 1) / 4;
        return (1L << b) + (((c - 1) % 4) + 1L) * (1L << (b - 2));
    }

    /** The largest class (requests up to 2^62 units). */
    public static int maxClass() {
        return 1 + 4 * (62 - SMALLEST_BITS) - 1;
    }
}
