package org.jdna.cuda;

import org.jdna.engine.backend.RoutingKernels;
import org.jdna.engine.backend.Storage;

/** routing.cu: router top-k and its backward, weighted combine and its backward. */
final class CudaRouting extends KernelFamily implements RoutingKernels {

    CudaRouting(KernelRunner runner, DeviceScratch scratch) {
        super(runner, scratch, "routing");
    }

    @Override
    public void topk(int[] indices, Storage weights, Storage probs, Storage logits, float[] bias, int rows, int experts,
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
        long badRow = scratch.filledInts(DeviceScratch.Slot.RESULT, 1, Integer.MAX_VALUE);
        launch("topk_f32", Launch.linear(rows), KernelArgs.of()
                .ptr(idx).ptr(at(weights, 0, op)).ptr(at(probs, 0, op)).ptr(at(logits, 0, op)).ptr(pb)
                .i(rows).i(experts).i(k).i(renormalize ? 1 : 0).ptr(badRow));
        int[] firstBad = new int[1];
        scratch.downloadInts(DeviceScratch.Slot.RESULT, firstBad, 1);
        if (firstBad[0] != Integer.MAX_VALUE) {
            int row = firstBad[0];
            float[] rowLogits = new float[experts];
            float[] rowProbs = new float[experts];
            runner.download(rowLogits, CudaStorage.of(logits, op).pointer(row * experts), experts);
            runner.download(rowProbs, CudaStorage.of(probs, op).pointer(row * experts), experts);
            throw new ArithmeticException(badRowMessage(row, rowLogits, rowProbs, bias));
        }
        scratch.downloadInts(DeviceScratch.Slot.INDEX_A, indices, rows * k);
    }

    /**
     * Why top-k rejected a row, in the reference's words: the first NaN logit, else the first NaN
     * score (prob + bias: a +inf logit makes every prob NaN, a NaN bias its score).
     */
    static String badRowMessage(int row, float[] logits, float[] probs, float[] bias) {
        for (int e = 0; e < logits.length; e++) {
            if (Float.isNaN(logits[e])) {
                return "topk: NaN in row " + row + " at expert " + e + " (logit " + logits[e] + ")";
            }
        }
        for (int e = 0; e < logits.length; e++) {
            float score = bias == null ? probs[e] : probs[e] + bias[e];
            if (Float.isNaN(score)) {
                return "topk: NaN in row " + row + " at expert " + e + " (logit " + logits[e] + ", prob " + probs[e]
                        + (bias == null ? "" : ", bias " + bias[e]) + ")";
            }
        }
        return "topk: the device rejected row " + row + ", whose logits, probs and bias hold no NaN (a kernel fault)";
    }

    @Override
    public void topkBackward(Storage dlogits, Storage dweights, Storage probs, int[] indices, int rows, int experts,
                             int k, boolean renormalize) {
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

    @Override
    public void combine(Storage out, Storage y, Storage weights, int[] slotRows, int tokens, int k, int width) {
        String op = "combine";
        if ((long) tokens * width == 0) {
            return;
        }
        HostIndices.checkRange(op, "slotRows", slotRows, tokens * k, -1, lengthOf(y, op) / width);
        long slots = scratch.ints(DeviceScratch.Slot.INDEX_A, slotRows, tokens * k);
        launch("combine_f32", Launch.linear((long) tokens * width), KernelArgs.of()
                .ptr(at(out, 0, op)).ptr(at(y, 0, op)).ptr(at(weights, 0, op)).ptr(slots).i(tokens).i(k).i(width));
    }

    @Override
    public void combineBackward(Storage dy, Storage dweights, Storage dout, Storage y, Storage weights, int[] slotRows,
                                int tokens, int k, int width) {
        String op = "combineBackward";
        if ((long) tokens * k == 0) {
            return;
        }
        int yRows = width == 0 ? Integer.MAX_VALUE : lengthOf(y, op) / width;
        HostIndices.checkRange(op, "slotRows", slotRows, tokens * k, -1, yRows);
        long slots = scratch.ints(DeviceScratch.Slot.INDEX_A, slotRows, tokens * k);
        if (dy != null && width > 0) {
            // one writer per row of dy: the last slot that names it (HostIndices.lastWriters)
            int[] writers = HostIndices.lastWriters(slotRows, tokens * k, yRows);
            long writerSlots = writers == slotRows ? slots : scratch.ints(DeviceScratch.Slot.INDEX_B, writers, tokens * k);
            launch("combine_backward_dy_f32", Launch.linear((long) tokens * k * width), KernelArgs.of()
                    .ptr(at(dy, 0, op)).ptr(at(dout, 0, op)).ptr(at(weights, 0, op)).ptr(writerSlots)
                    .i(tokens).i(k).i(width));
        }
        if (dweights != null) {
            launch("combine_backward_dweights_f32", Launch.rows(tokens * k, width, 128, 0), KernelArgs.of()
                    .ptr(at(dweights, 0, op)).ptr(at(dout, 0, op)).ptr(at(y, 0, op)).ptr(slots).i(k).i(width));
        }
    }
}
