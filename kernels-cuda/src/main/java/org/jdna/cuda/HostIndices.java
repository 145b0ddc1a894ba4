package org.jdna.cuda;

import java.util.Arrays;

/**
 * Host-side work on the SPI's int[] index arrays before they are uploaded: range checks (the SPI
 * asks every backend to reject bad indices with IndexOutOfBoundsException naming the primitive and
 * the value) and the grouping that makes indexAddRows deterministic on the device.
 */
public final class HostIndices {
    private HostIndices() {
    }

    /** Every idx[0, count) is in [lo, hi); else IndexOutOfBoundsException naming op, array and value. */
    public static void checkRange(String op, String array, int[] idx, int count, int lo, int hi) {
        if (idx.length < count) {
            throw new IllegalArgumentException(op + ": " + array + " has " + idx.length + " entries, needs " + count);
        }
        for (int i = 0; i < count; i++) {
            int v = idx[i];
            if (v < lo || v >= hi) {
                throw new IndexOutOfBoundsException(op + ": " + array + "[" + i + "] = " + v + " outside [" + lo + ", " + hi + ")");
            }
        }
    }

    /** Targets in [0, cols) or equal to ignoreIndex. */
    public static void checkTargets(String op, int[] targets, int rows, int cols, int ignoreIndex) {
        if (targets.length < rows) {
            throw new IllegalArgumentException(op + ": targets has " + targets.length + " entries, needs " + rows);
        }
        for (int r = 0; r < rows; r++) {
            int t = targets[r];
            if (t != ignoreIndex && (t < 0 || t >= cols)) {
                throw new IndexOutOfBoundsException(op + ": targets[" + r + "] = " + t + " outside [0, " + cols
                        + ") and not ignoreIndex " + ignoreIndex);
            }
        }
    }

    /**
     * Sources grouped by destination row, in CSR form: group g adds sources
     * order[start[g] .. start[g+1]) (increasing) into row rows[g].
     */
    public record RowGroups(int[] rows, int[] start, int[] order) {
        public int groups() {
            return rows.length;
        }
    }

    /** Groups i in [0, count) by rows[i], keeping i increasing inside each group (stable). */
    public static RowGroups groupByRow(int[] rows, int count) {
        long[] keyed = new long[count];
        for (int i = 0; i < count; i++) {
            keyed[i] = ((long) rows[i] << 32) | i;  // rows are >= 0 (checked): sorts by row, then i
        }
        Arrays.sort(keyed);
        int[] order = new int[count];
        int groups = 0;
        for (int p = 0; p < count; p++) {
            order[p] = (int) keyed[p];
            if (p == 0 || (keyed[p] >>> 32) != (keyed[p - 1] >>> 32)) {
                groups++;
            }
        }
        int[] groupRows = new int[groups];
        int[] start = new int[groups + 1];
        int g = -1;
        for (int p = 0; p < count; p++) {
            if (p == 0 || (keyed[p] >>> 32) != (keyed[p - 1] >>> 32)) {
                g++;
                groupRows[g] = (int) (keyed[p] >>> 32);
                start[g] = p;
            }
        }
        start[groups] = count;
        return new RowGroups(groupRows, start, order);
    }

    /**
     * The slots that write each named row last: a copy of slots[0, count) in which every entry whose
     * row a later entry also names is replaced by -1 (entries of -1 stay). Writing only these gives
     * the result of writing all of them in order, with no two writers per row, so a kernel may write
     * them all at once (combineBackward's dy, where "the last (t, j) wins" in the reference). Returns
     * {@code slots} itself when no row is named twice. Rows must be in [-1, rows).
     */
    public static int[] lastWriters(int[] slots, int count, int rows) {
        boolean[] seen = new boolean[rows];
        int[] out = null;
        for (int i = count - 1; i >= 0; i--) {
            int r = slots[i];
            if (r < 0) {
                continue;
            }
            if (seen[r]) {
                if (out == null) {
                    out = Arrays.copyOf(slots, count);
                }
                out[i] = -1;
            } else {
                seen[r] = true;
            }
        }
        return out == null ? slots : out;
    }
}
