package org.jdna.cuda;

import java.util.List;

/**
 * What a {@link CudaBackend} gives back when it closes, in the order it must: each step still needs
 * what the later ones release.
 * <ol>
 *   <li>synchronize: queued kernels may still read the scratch and the storages;</li>
 *   <li>the scratch gives its blocks back to the pool;</li>
 *   <li>the pool frees every block it made, in use or cached (cuMemFree, in the live context);</li>
 *   <li>the cuBLAS handle is destroyed (it frees its workspace in the context);</li>
 *   <li>the kernel modules are unloaded;</li>
 *   <li>the device's retain of the primary context is released, last: every call above needs it.</li>
 * </ol>
 * Every step runs even when one before it failed: after a kernel fault the context's error is
 * sticky and every call fails, yet the context must still be released. The first failure is thrown
 * with the later ones suppressed. Host tests run the steps with fakes.
 */
final class ReleaseOrder {

    /** One thing to release, named for the error message. */
    record Step(String what, AutoCloseable release) {
    }

    private ReleaseOrder() {
    }

    static List<Step> of(AutoCloseable synchronize, DeviceScratch scratch, DeviceMemoryPool pool,
                         AutoCloseable cublas, AutoCloseable modules, AutoCloseable context) {
        return List.of(new Step("synchronize", synchronize), new Step("scratch", scratch),
                new Step("device memory pool", pool), new Step("cuBLAS handle", cublas),
                new Step("kernel modules", modules), new Step("primary context", context));
    }

    /** Runs every step in order; see the class comment for failures. */
    static void run(List<Step> steps) {
        IllegalStateException failure = null;
        for (Step step : steps) {
            try {
                step.release().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("backend 'cuda' close: releasing the " + step.what()
                            + " failed: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
