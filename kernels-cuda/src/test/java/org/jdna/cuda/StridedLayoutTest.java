package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Element counts, contiguity, the meta block the strided kernels decode, and read spans. */
class StridedLayoutTest {

    @Test
    void countIsTheProductOfTheSizes() {
        assertEquals(1, StridedLayout.count("x", new int[0]));
        assertEquals(0, StridedLayout.count("x", new int[] {3, 0, 5}));
        assertEquals(60, StridedLayout.count("x", new int[] {3, 4, 5}));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> StridedLayout.count("copyStrided", new int[] {3, -1}));
        assertEquals("copyStrided: negative size in shape [3, -1]", negative.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> StridedLayout.count("binary", new int[] {65536, 65536}));
        assertTrue(big.getMessage().contains("over 2^31 elements"), big.getMessage());
    }

    @Test
    void contiguityIgnoresAxesOfSizeOne() {
        assertTrue(StridedLayout.isContiguous(new int[] {3, 4}, new int[] {4, 1}));
        assertTrue(StridedLayout.isContiguous(new int[] {3, 1, 4}, new int[] {4, 99, 1}));
        assertTrue(StridedLayout.isContiguous(new int[0], new int[0]));
        assertFalse(StridedLayout.isContiguous(new int[] {3, 4}, new int[] {1, 3}));   // transposed
        assertFalse(StridedLayout.isContiguous(new int[] {3, 4}, new int[] {0, 1}));   // broadcast rows
        assertFalse(StridedLayout.isContiguous(new int[] {3, 4}, new int[] {5, 1}));   // padded rows
    }

    @Test
    void metaIsTheShapeThenEachStridesArray() {
        assertArrayEquals(new int[] {2, 3, 3, 1, 0, 1}, StridedLayout.meta(new int[] {2, 3}, new int[] {3, 1},
                new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> StridedLayout.meta(new int[] {2, 3}, new int[] {1}));
    }

    @Test
    void theReadSpanHoldsEveryOffsetAndNothingMore() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int rank = 1 + rnd.nextInt(3);
            int[] shape = new int[rank], strides = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = 1 + rnd.nextInt(4);
                strides[d] = rnd.nextInt(11) - 5;
            }
            long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
            int[] i = new int[rank];
            for (int flat = 0; flat < StridedLayout.count("t", shape); flat++) {
                long off = 0;
                for (int d = 0, rest = flat; d < rank; d++) {
                    // last axis fastest
                    int size = shape[rank - 1 - d];
                    i[rank - 1 - d] = rest % size;
                    rest /= size;
                }
                for (int d = 0; d < rank; d++) {
                    off += (long) i[d] * strides[d];
                }
                min = Math.min(min, off);
                max = Math.max(max, off);
            }
            assertArrayEquals(new long[] {min, max + 1}, StridedLayout.readSpan(shape, strides));
        }
        assertArrayEquals(new long[] {0, 0}, StridedLayout.readSpan(new int[] {4, 0}, new int[] {1, 1}));
    }

    @Test
    void aReadOverlapsTheWriteWhenItsSpanMeetsTheFirstNElements() {
        int[] rows = {4, 8}, rowMajor = {8, 1};
        assertTrue(StridedLayout.readOverlapsWrite(8, rows, rowMajor));       // reads [8, 40), writes [0, 32)
        assertTrue(StridedLayout.readOverlapsWrite(0, new int[] {8, 4}, new int[] {1, 8})); // transpose in place
        assertFalse(StridedLayout.readOverlapsWrite(32, rows, rowMajor));     // reads [32, 64)
        assertTrue(StridedLayout.readOverlapsWrite(31, rows, rowMajor));
        assertTrue(StridedLayout.readOverlapsWrite(7, new int[] {8}, new int[] {-1}));   // reads [0, 8) backwards
        assertFalse(StridedLayout.readOverlapsWrite(100, new int[] {8}, new int[] {0})); // broadcast of element 100
        assertFalse(StridedLayout.readOverlapsWrite(0, new int[] {0, 8}, rowMajor));     // nothing written
    }
}
