package org.jdna.cuda;

import org.jdna.engine.backend.Storage;

/** Base of the per-family launchers: one .cu file (its PTX module) and the shared scratch buffers. */
abstract class KernelFamily {
    protected final KernelRunner runner;
    protected final DeviceScratch scratch;
    private final String family;

    KernelFamily(KernelRunner runner, DeviceScratch scratch, String family) {
        this.runner = runner;
        this.scratch = scratch;
        this.family = family;
    }

    protected final void launch(String kernel, LaunchConfig cfg, KernelArgs args) {
        runner.launch(family, kernel, cfg, args);
    }

    /** Device address of element {@code off} of a required storage. */
    protected static long at(Storage s, int off, String op) {
        return CudaStorage.of(s, op).at(off);
    }

    /** Device address of element 0, or 0 for an optional (null) storage. */
    protected static long at(Storage s, String op) {
        return CudaStorage.addressOrNull(s, op);
    }

    protected static int lengthOf(Storage s, String op) {
        return CudaStorage.of(s, op).length();
    }
}
