package org.jdna.cuda;

import org.jdna.engine.backend.IndexingKernels;
import org.jdna.engine.backend.Storage;

/** indexing.cu: row gather, deterministic grouped row add, gather / scatter-add along the middle axis. */
final class CudaIndexing extends KernelFamily implements IndexingKernels {

    CudaIndexing(KernelRunner runner, DeviceScratch scratch) {
        super(runner, scratch, "indexing");
    }

    @Override
    public void indexSelectRows(Storage out, Storage src, int[] rows, int count, int width) {
        if ((long) count * width == 0) {
            HostIndices.checkRange("indexSelectRows", "rows", rows, count, 0, Integer.MAX_VALUE);
            return;
        }
        HostIndices.checkRange("indexSelectRows", "rows", rows, count, 0, lengthOf(src, "indexSelectRows") / width);
        long r = scratch.ints(DeviceScratch.Slot.INDEX_A, rows, count);
        launch("index_select_rows_f32", Launch.linear((long) count * width), KernelArgs.of()
                .ptr(at(out, 0, "indexSelectRows")).ptr(at(src, 0, "indexSelectRows")).ptr(r).i(count).i(width));
    }

    @Override
    public void indexAddRows(Storage dst, Storage src, int[] rows, int count, int width) {
        if ((long) count * width == 0) {
            HostIndices.checkRange("indexAddRows", "rows", rows, count, 0, Integer.MAX_VALUE);
            return;
        }
        HostIndices.checkRange("indexAddRows", "rows", rows, count, 0, lengthOf(dst, "indexAddRows") / width);
        HostIndices.RowGroups g = HostIndices.groupByRow(rows, count);
        long groupRow = scratch.ints(DeviceScratch.Slot.INDEX_A, g.rows(), g.groups());
        long groupStart = scratch.ints(DeviceScratch.Slot.INDEX_B, g.start(), g.groups() + 1);
        long order = scratch.ints(DeviceScratch.Slot.INDEX_C, g.order(), count);
        launch("index_add_rows_grouped_f32", Launch.rows(g.groups(), width), KernelArgs.of()
                .ptr(at(dst, 0, "indexAddRows")).ptr(at(src, 0, "indexAddRows"))
                .ptr(groupRow).ptr(groupStart).ptr(order).i(width));
    }

    @Override
    public void gather(Storage out, Storage x, int[] idx, int outer, int len, int inner, int idxLen) {
        long total = (long) outer * idxLen * inner;
        HostIndices.checkRange("gather", "idx", idx, (int) total, 0, len);
        if (total == 0) {
            return;
        }
        long pi = scratch.ints(DeviceScratch.Slot.INDEX_A, idx, (int) total);
        launch("gather_f32", Launch.linear(total), KernelArgs.of()
                .ptr(at(out, 0, "gather")).ptr(at(x, 0, "gather")).ptr(pi).i(outer).i(len).i(inner).i(idxLen));
    }

    @Override
    public void scatterAdd(Storage dx, Storage dout, int[] idx, int outer, int len, int inner, int idxLen) {
        long total = (long) outer * idxLen * inner;
        HostIndices.checkRange("scatterAdd", "idx", idx, (int) total, 0, len);
        if (total == 0) {
            return;
        }
        long pi = scratch.ints(DeviceScratch.Slot.INDEX_A, idx, (int) total);
        launch("scatter_add_f32", Launch.linear((long) outer * inner), KernelArgs.of()
                .ptr(at(dx, 0, "scatterAdd")).ptr(at(dout, 0, "scatterAdd")).ptr(pi).i(outer).i(len).i(inner).i(idxLen));
    }
}
