package org.jdna.cuda;

/**
 * Host-side helpers for strided views: element counts, contiguity, and the int "meta" block
 * (shape, then each strides array) that the strided kernels decode.
 */
public final class StridedLayout {
    private StridedLayout() {
    }

    /** Product of the sizes (1 for rank 0); IllegalArgumentException on overflow or a negative size. */
    public static int count(String op, int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + java.util.Arrays.toString(shape));
            }
            n *= s;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": shape " + java.util.Arrays.toString(shape) + " has over 2^31 elements");
            }
        }
        return (int) n;
    }

    /** True when the strides are those of a contiguous row-major array of this shape (size-1 axes ignored). */
    public static boolean isContiguous(int[] shape, int[] strides) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** shape, then each strides array in order: rank * (1 + strides.length) ints. */
    public static int[] meta(int[] shape, int[]... strides) {
        int rank = shape.length;
        int[] meta = new int[rank * (1 + strides.length)];
        System.arraycopy(shape, 0, meta, 0, rank);
        for (int j = 0; j < strides.length; j++) {
            if (strides[j].length != rank) {
                throw new IllegalArgumentException("strides of rank " + strides[j].length + " for shape of rank " + rank);
            }
            System.arraycopy(strides[j], 0, meta, rank * (1 + j), rank);
        }
        return meta;
    }

    /**
     * The elements a strided read of {@code shape} touches, relative to its offset: [lo, hi), where
     * lo is the smallest sum of i_j * strides[j] and hi - 1 the largest (a negative stride reaches
     * below the offset). Empty ([0, 0)) when the shape has no elements.
     */
    public static long[] readSpan(int[] shape, int[] strides) {
        long lo = 0;
        long hi = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return new long[] {0, 0};
            }
            long reach = (long) (shape[d] - 1) * strides[d];
            lo += Math.min(0, reach);
            hi += Math.max(0, reach);
        }
        return new long[] {lo, hi + 1};
    }

    /**
     * Whether a copy of {@code shape} into elements [0, n) of a storage may read what it writes:
     * the source is the same storage, at {@code srcOff} with {@code srcStrides}, and its read span
     * meets [0, n). Threads that write one element while another reads it race, so such a copy goes
     * through a temporary.
     */
    public static boolean readOverlapsWrite(int srcOff, int[] shape, int[] srcStrides) {
        int n = count("copyStrided", shape);
        if (n == 0) {
            return false;
        }
        long[] span = readSpan(shape, srcStrides);
        return srcOff + span[0] < n && srcOff + span[1] > 0;
    }
}
