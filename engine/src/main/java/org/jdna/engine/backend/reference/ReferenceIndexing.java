package org.jdna.engine.backend.reference;

import static org.jdna.engine.backend.HeapStorage.array;

import org.jdna.engine.backend.IndexingKernels;
import org.jdna.engine.backend.Storage;

/**
 * Row gather and scatter-add, gather and scatter-add along an axis; dispatch is the interface's
 * default (the serial counting sort, then {@link #indexSelectRows}). Every index is checked against
 * the storage it points into; additions run in increasing index order in float, which defines the
 * deterministic result.
 *
 * <p>Legend: W row width, (O, L, I) the (outer, len, inner) view of a gather with J = idxLen
 * gathered positions.
 */
final class ReferenceIndexing implements IndexingKernels {

    // ---------------------------------------------------------------- row gather / scatter-add

    /** out[i, :] = src[rows[i], :], i in [0, count). */
    @Override
    public void indexSelectRows(Storage outS, Storage srcS, int[] rows, int count, int width) {
        float[] out = array(outS), src = array(srcS);
        int srcLength = srcS.length();
        for (int i = 0; i < count; i++) {
            int row = checkedRow("indexSelectRows", rows[i], i, srcLength, width);
            System.arraycopy(src, row * width, out, i * width, width);
        }
    }

    /** dst[rows[i], :] += src[i, :], in increasing i. */
    @Override
    public void indexAddRows(Storage dstS, Storage srcS, int[] rows, int count, int width) {
        float[] dst = array(dstS), src = array(srcS);
        int dstLength = dstS.length();
        for (int i = 0; i < count; i++) {
            int row = checkedRow("indexAddRows", rows[i], i, dstLength, width);
            for (int c = 0; c < width; c++) {
                dst[row * width + c] += src[i * width + c];
            }
        }
    }

    /** out[o, j, i] = x[o, idx[o, j, i], i]; out (O, J, I), x (O, L, I). */
    @Override
    public void gather(Storage outS, Storage xS, int[] idx, int outer, int len, int inner, int idxLen) {
        float[] out = array(outS), x = array(xS);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idxLen; j++) {
                for (int i = 0; i < inner; i++) {
                    int at = (o * idxLen + j) * inner + i;
                    int l = checkedIndex("gather", idx[at], at, len);
                    out[at] = x[(o * len + l) * inner + i];
                }
            }
        }
    }

    /** dx[o, idx[o, j, i], i] += dout[o, j, i], in increasing j. */
    @Override
    public void scatterAdd(Storage dxS, Storage doutS, int[] idx, int outer, int len, int inner, int idxLen) {
        float[] dx = array(dxS), dout = array(doutS);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idxLen; j++) {
                for (int i = 0; i < inner; i++) {
                    int at = (o * idxLen + j) * inner + i;
                    int l = checkedIndex("scatterAdd", idx[at], at, len);
                    dx[(o * len + l) * inner + i] += dout[at];
                }
            }
        }
    }

    // ---------------------------------------------------------------- index checks

    /** A row index into a storage of storageLength floats seen as rows of width floats. */
    static int checkedRow(String op, int row, int position, int storageLength, int width) {
        int available = width == 0 ? Integer.MAX_VALUE : storageLength / width;
        if (row < 0 || row >= available) {
            throw new IndexOutOfBoundsException(op + ": row index " + row + " at position " + position
                    + " outside [0, " + available + ") (storage of " + storageLength + " floats, rows of " + width + ")");
        }
        return row;
    }

    static int checkedIndex(String op, int index, int position, int bound) {
        if (index < 0 || index >= bound) {
            throw new IndexOutOfBoundsException(op + ": index " + index + " at position " + position
                    + " outside [0, " + bound + ")");
        }
        return index;
    }
}
