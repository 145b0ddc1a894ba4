package org.jdna.cuda;

import jcuda.CudaException;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

/**
 * Launches kernels by family and name on the default stream. With {@code -Djdna.cuda.syncEachLaunch=true}
 * every launch is followed by a synchronize, so an asynchronous fault names its kernel.
 */
final class KernelRunner {
    private final CudaDevice device;
    private final PtxModules modules;
    private final boolean syncEachLaunch = Boolean.getBoolean("jdna.cuda.syncEachLaunch");

    KernelRunner(CudaDevice device, PtxModules modules) {
        this.device = device;
        this.modules = modules;
    }

    void launch(String family, String kernel, LaunchConfig cfg, KernelArgs args) {
        CUfunction f = modules.function(family, kernel);
        try {
            JCudaDriver.cuLaunchKernel(f, cfg.gridX(), cfg.gridY(), cfg.gridZ(), cfg.blockX(), 1, 1,
                    cfg.sharedBytes(), null, args.toPointer(), null);
            if (syncEachLaunch) {
                JCudaDriver.cuCtxSynchronize();
            }
        } catch (CudaException e) {
            throw new IllegalStateException("kernel " + kernel + " failed: " + e.getMessage() + "; launch " + cfg
                    + " args " + args, e);
        }
    }

    CudaDevice device() {
        return device;
    }
}
