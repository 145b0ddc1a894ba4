package org.jdna.cuda;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;
import org.jdna.engine.backend.Storage;

/** routing.cu: router top-k and its backward, weighted combine and its backward. */
final class RoutingKernels extends KernelFamily {

    RoutingKernels(KernelRunner runner, DeviceScratch scratch) {
        super(runner, scratch, "routing");
    }

    void topk(int[] indices, Storage weights, Storage probs, Storage logits, float[] bias, int rows, int experts,
              int k, boolean renormalize) {
        String op = "topk";
        if (k < 1 || k > experts) {
            throw new IllegalArgumentException(op + ": k = " + k + " must be in [1, experts = " + experts + "]");
        }
        if (indices.length < rows * k) {
            throw new IllegalArgumentException(op + ": indices has " + indices.length + " entries, needs " + rows * k);
        }
        if (rows == 0) {
            return;
        }
        long pb = bias == null ? 0L : scratch.floats(DeviceScratch.Slot.FLOATS, bias, experts);
        long idx = scratch.temp(DeviceScratch.Slot.INDEX_A, 4L * rows * k);
        long nanRow = scratch.filledInts(DeviceScratch.Slot.RESULT, 1, Integer.MAX_VALUE);
        launch("topk_f32", Launch.linear(rows), KernelArgs.of()
                .ptr(idx).ptr(at(weights, 0, op)).ptr(at(probs, 0, op)).ptr(at(logits, 0, op)).ptr(pb)
                .i(rows).i(experts).i(k).i(renormalize ? 1 : 0).ptr(nanRow));
        int[] firstNan = new int[1];
        scratch.downloadInts(DeviceScratch.Slot.RESULT, firstNan, 1);
        if (firstNan[0] != Integer.MAX_VALUE) {
            throw nanError(logits, firstNan[0], experts);
        }
        scratch.downloadInts(DeviceScratch.Slot.INDEX_A, indices, rows * k);
    }

    private static ArithmeticException nanError(Storage logits, int row, int experts) {
        float[] values = new float[experts];
        JCudaDriver.cuMemcpyDtoH(Pointer.to(values), CudaStorage.of(logits, "topk").pointer(row * experts), 4L * experts);
        int e = 0;
        while (e < experts && !Float.isNaN(values[e])) {
            e++;
        }
        return new ArithmeticException("topk: row " + row + " has logit " + (e < experts ? values[e] : Float.NaN)
                + " at expert " + e);
    }

    void topkBackward(Storage dlogits, Storage dweights, Storage probs, int[] indices, int rows, int experts, int k,
                      boolean renormalize) {
        String op = "topkBackward";
        HostIndices.checkRange(op, "indices", indices, rows * k, 0, experts);
        if (rows == 0) {
            return;
        }
        long idx = scratch.ints(DeviceScratch.Slot.INDEX_A, indices, rows * k);
        launch("topk_backward_f32", Launch.linear(rows), KernelArgs.of()
                .ptr(at(dlogits, 0, op)).ptr(at(dweights, 0, op)).ptr(at(probs, 0, op)).ptr(idx)
                .i(rows).i(experts).i(k).i(renormalize ? 1 : 0));
    }

    void combine(Storage out, Storage y, Storage weights, int[] slotRows, int tokens, int k, int width) {
        String op = "combine";
        if ((long) tokens * width == 0) {
            return;
        }
        HostIndices.checkRange(op, "slotRows", slotRows, tokens * k, -1, lengthOf(y, op) / width);
        long slots = scratch.ints(DeviceScratch.Slot.INDEX_A, slotRows, tokens * k);
        launch("combine_f32", Launch.linear((long) tokens * width), KernelArgs.of()
                .ptr(at(out, 0, op)).ptr(at(y, 0, op)).ptr(at(weights, 0, op)).ptr(slots).i(tokens).i(k).i(width));
    }

    void combineBackward(Storage dy, Storage dweights, Storage dout, Storage y, Storage weights, int[] slotRows,
                         int tokens, int k, int width) {
        String op = "combineBackward";
        if ((long) tokens * k == 0) {
            return;
        }
        int yRows = width == 0 ? Integer.MAX_VALUE : lengthOf(y, op) / width;
        HostIndices.checkRange(op, "slotRows", slotRows, tokens * k, -1, yRows);
        long slots = scratch.ints(DeviceScratch.Slot.INDEX_A, slotRows, tokens * k);
        if (dy != null && width > 0) {
            launch("combine_backward_dy_f32", Launch.linear((long) tokens * k * width), KernelArgs.of()
                    .ptr(at(dy, 0, op)).ptr(at(dout, 0, op)).ptr(at(weights, 0, op)).ptr(slots).i(tokens).i(k).i(width));
        }
        if (dweights != null) {
            launch("combine_backward_dweights_f32", Launch.rows(tokens * k, width, 128, 0), KernelArgs.of()
                    .ptr(at(dweights, 0, op)).ptr(at(dout, 0, op)).ptr(at(y, 0, op)).ptr(slots).i(k).i(width));
        }
    }
}
