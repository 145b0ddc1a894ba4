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
}
