package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The host-side work on index arrays before upload: range checks, grouping, last writers. */
class HostIndicesTest {

    @Test
    void rangeChecksNameTheOpTheArrayThePositionAndTheValue() {
        HostIndices.checkRange("combine", "slotRows", new int[] {-1, 0, 4, 99}, 3, -1, 5); // entries past count unread
        IndexOutOfBoundsException high = assertThrows(IndexOutOfBoundsException.class,
                () -> HostIndices.checkRange("combine", "slotRows", new int[] {0, 5}, 2, -1, 5));
        assertEquals("combine: slotRows[1] = 5 outside [-1, 5)", high.getMessage());
        IndexOutOfBoundsException low = assertThrows(IndexOutOfBoundsException.class,
                () -> HostIndices.checkRange("gather", "idx", new int[] {-1}, 1, 0, 3));
        assertEquals("gather: idx[0] = -1 outside [0, 3)", low.getMessage());
        IllegalArgumentException shortArray = assertThrows(IllegalArgumentException.class,
                () -> HostIndices.checkRange("gather", "idx", new int[2], 3, 0, 3));
        assertEquals("gather: idx has 2 entries, needs 3", shortArray.getMessage());
    }

    @Test
    void targetsMayBeTheIgnoreIndexButNothingElseOutOfRange() {
        HostIndices.checkTargets("crossEntropy", new int[] {0, 9, -100}, 3, 10, -100);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> HostIndices.checkTargets("crossEntropy", new int[] {0, -1}, 2, 10, -100));
        assertEquals("crossEntropy: targets[1] = -1 outside [0, 10) and not ignoreIndex -100", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> HostIndices.checkTargets("x", new int[] {10}, 1, 10, -1));
    }

    @Test
    void groupingByRowIsCsrWithSourcesInIncreasingOrder() {
        HostIndices.RowGroups g = HostIndices.groupByRow(new int[] {5, 2, 5, 0, 2, 5}, 6);
        assertArrayEquals(new int[] {0, 2, 5}, g.rows());
        assertArrayEquals(new int[] {0, 1, 3, 6}, g.start());
        assertArrayEquals(new int[] {3, 1, 4, 0, 2, 5}, g.order());
        assertEquals(3, g.groups());
        assertEquals(0, HostIndices.groupByRow(new int[0], 0).groups());
    }

    @Test
    void groupedAddsEqualAddingInIncreasingOrder() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            int count = rnd.nextInt(40), rows = 1 + rnd.nextInt(8);
            int[] idx = new int[count];
            float[] src = new float[count];
            for (int i = 0; i < count; i++) {
                idx[i] = rnd.nextInt(rows);
                src[i] = (float) rnd.nextGaussian();
            }
            float[] expected = new float[rows];
            for (int i = 0; i < count; i++) {
                expected[idx[i]] += src[i];
            }
            // what index_add_rows_grouped_f32 does: each group adds its sources in CSR order
            HostIndices.RowGroups g = HostIndices.groupByRow(idx, count);
            float[] actual = new float[rows];
            for (int q = 0; q < g.groups(); q++) {
                for (int p = g.start()[q]; p < g.start()[q + 1]; p++) {
                    actual[g.rows()[q]] += src[g.order()[p]];
                }
            }
            assertArrayEquals(expected, actual, "trial " + trial); // same order, so the same bits
        }
    }

    @Test
    void lastWritersKeepOnlyTheLastSlotOfEachRow() {
        int[] slots = {0, 2, 2, -1, 0, 3};
        assertArrayEquals(new int[] {-1, -1, 2, -1, 0, 3}, HostIndices.lastWriters(slots, 6, 4));
        assertArrayEquals(new int[] {0, 2, 2, -1, 0, 3}, slots, "the input is not changed");
        int[] distinct = {1, -1, 0, 3};
        assertSame(distinct, HostIndices.lastWriters(distinct, 4, 4), "no repeated row: the same array");
        assertArrayEquals(new int[] {-1, 2}, HostIndices.lastWriters(new int[] {2, 2, 2}, 2, 3), "only [0, count)");
    }

    @Test
    void writingTheLastWritersInAnyOrderEqualsWritingEverySlotInOrder() {
        Random rnd = new Random(9);
        for (int trial = 0; trial < 100; trial++) {
            int count = rnd.nextInt(30), rows = 1 + rnd.nextInt(6);
            int[] slots = new int[count];
            for (int i = 0; i < count; i++) {
                slots[i] = rnd.nextInt(rows + 1) - 1;
            }
            int[] sequential = new int[rows];
            Arrays.fill(sequential, -1);
            for (int i = 0; i < count; i++) {
                if (slots[i] >= 0) {
                    sequential[slots[i]] = i;  // the reference: the last write stays
                }
            }
            int[] writers = HostIndices.lastWriters(slots, count, rows);
            int[] reversed = new int[rows];
            Arrays.fill(reversed, -1);
            for (int i = count - 1; i >= 0; i--) { // a different order: the result cannot depend on it
                if (writers[i] >= 0) {
                    assertEquals(-1, reversed[writers[i]], "two writers of row " + writers[i]);
                    reversed[writers[i]] = i;
                }
            }
            assertArrayEquals(sequential, reversed, "trial " + trial);
        }
    }
}
