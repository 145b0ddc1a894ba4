package org.jdna.cuda;

import org.jdna.engine.backend.NormKernels;
import org.jdna.engine.backend.Storage;

/** softmax.cu, layernorm.cu and loss.cu: row-wise kernels, one block per row. */
final class CudaNorms extends KernelFamily implements NormKernels {

    CudaNorms(KernelRunner runner, DeviceScratch scratch) {
        super(runner, scratch, "softmax");
    }

    @Override
    public void softmax(Storage out, Storage x, int rows, int cols, boolean log) {
        if (rows == 0) {
            return;
        }
        runner.launch("softmax", "softmax_forward_f32", Launch.rows(rows, cols), KernelArgs.of()
                .ptr(at(out, 0, "softmax")).ptr(at(x, 0, "softmax")).i(cols).i(log ? 1 : 0));
    }

    @Override
    public void softmaxBackward(Storage dx, Storage dout, Storage out, int rows, int cols, boolean log) {
        if (rows == 0) {
            return;
        }
        runner.launch("softmax", "softmax_backward_f32", Launch.rows(rows, cols), KernelArgs.of()
                .ptr(at(dx, 0, "softmaxBackward")).ptr(at(dout, 0, "softmaxBackward"))
                .ptr(at(out, 0, "softmaxBackward")).i(cols).i(log ? 1 : 0));
    }

    @Override
    public void layerNorm(Storage out, Storage mean, Storage rstd, Storage x, Storage w, Storage b, int rows, int cols,
                          float eps) {
        if (rows == 0) {
            return;
        }
        String op = "layerNorm";
        runner.launch("layernorm", "layernorm_forward_f32", Launch.rows(rows, cols), KernelArgs.of()
                .ptr(at(out, 0, op)).ptr(at(mean, op)).ptr(at(rstd, op)).ptr(at(x, 0, op)).ptr(at(w, op)).ptr(at(b, op))
                .i(cols).f(eps));
    }

    @Override
    public void layerNormBackward(Storage dx, Storage dw, Storage db, Storage dout, Storage x, Storage w, Storage mean,
                                  Storage rstd, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        String op = "layerNormBackward";
        if (dx != null) {
            runner.launch("layernorm", "layernorm_backward_dx_f32", Launch.rows(rows, cols), KernelArgs.of()
                    .ptr(at(dx, 0, op)).ptr(at(dout, 0, op)).ptr(at(x, 0, op)).ptr(at(w, op))
                    .ptr(at(mean, 0, op)).ptr(at(rstd, 0, op)).i(cols));
        }
        if (dw != null || db != null) {
            runner.launch("layernorm", "layernorm_backward_dwdb_f32", Launch.linear(cols), KernelArgs.of()
                    .ptr(at(dw, op)).ptr(at(db, op)).ptr(at(dout, 0, op)).ptr(at(x, 0, op))
                    .ptr(at(mean, 0, op)).ptr(at(rstd, 0, op)).i(rows).i(cols));
        }
    }

    @Override
    public void rmsNorm(Storage out, Storage rstd, Storage x, Storage w, int rows, int cols, float eps) {
        if (rows == 0) {
            return;
        }
        String op = "rmsNorm";
        runner.launch("layernorm", "rmsnorm_forward_f32", Launch.rows(rows, cols), KernelArgs.of()
                .ptr(at(out, 0, op)).ptr(at(rstd, op)).ptr(at(x, 0, op)).ptr(at(w, op)).i(cols).f(eps));
    }

    @Override
    public void rmsNormBackward(Storage dx, Storage dw, Storage dout, Storage x, Storage w, Storage rstd, int rows,
                                int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        String op = "rmsNormBackward";
        if (dx != null) {
            runner.launch("layernorm", "rmsnorm_backward_dx_f32", Launch.rows(rows, cols), KernelArgs.of()
                    .ptr(at(dx, 0, op)).ptr(at(dout, 0, op)).ptr(at(x, 0, op)).ptr(at(w, op)).ptr(at(rstd, 0, op)).i(cols));
        }
        if (dw != null) {
            runner.launch("layernorm", "rmsnorm_backward_dw_f32", Launch.linear(cols), KernelArgs.of()
                    .ptr(at(dw, 0, op)).ptr(at(dout, 0, op)).ptr(at(x, 0, op)).ptr(at(rstd, 0, op)).i(rows).i(cols));
        }
    }

    @Override
    public void crossEntropy(Storage losses, Storage logits, int[] targets, int rows, int cols, int ignoreIndex) {
        HostIndices.checkTargets("crossEntropy", targets, rows, cols, ignoreIndex);
        if (rows == 0) {
            return;
        }
        long t = scratch.ints(DeviceScratch.Slot.INDEX_A, targets, rows);
        runner.launch("loss", "cross_entropy_forward_f32", Launch.rows(rows, cols), KernelArgs.of()
                .ptr(at(losses, 0, "crossEntropy")).ptr(at(logits, 0, "crossEntropy")).ptr(t).i(cols).i(ignoreIndex));
    }

    @Override
    public void crossEntropyBackward(Storage dlogits, Storage dlosses, Storage logits, int[] targets, int rows,
                                     int cols, int ignoreIndex) {
        HostIndices.checkTargets("crossEntropyBackward", targets, rows, cols, ignoreIndex);
        if (rows == 0) {
            return;
        }
        String op = "crossEntropyBackward";
        long t = scratch.ints(DeviceScratch.Slot.INDEX_A, targets, rows);
        runner.launch("loss", "cross_entropy_backward_f32", Launch.rows(rows, cols), KernelArgs.of()
                .ptr(at(dlogits, 0, op)).ptr(at(dlosses, 0, op)).ptr(at(logits, 0, op)).ptr(t).i(cols).i(ignoreIndex));
    }
}
