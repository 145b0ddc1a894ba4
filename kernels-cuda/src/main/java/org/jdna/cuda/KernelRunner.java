package org.jdna.cuda;

import static jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES;
import static jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES;

import java.util.HashMap;
import java.util.Map;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

/**
 * Launches kernels by family and name on the default stream, and makes the few device copies the
 * launchers need, so that every driver call of a launcher goes through here (host tests replace
 * this class with one that records the calls). With {@code -Djdna.cuda.syncEachLaunch=true} every
 * launch is followed by a synchronize, so an asynchronous fault names its kernel.
 *
 * <p>A launch with more than 48 KB of shared memory first raises the kernel's
 * MAX_DYNAMIC_SHARED_SIZE_BYTES (see {@link Launch#dynamicSharedOptIn}); without that the driver
 * rejects the launch.
 */
class KernelRunner {
    private final CudaDevice device;
    private final PtxModules modules;
    private final boolean syncEachLaunch = Boolean.getBoolean("jdna.cuda.syncEachLaunch");
    /** Per "family/kernel": its static shared memory and the dynamic shared memory allowed so far. */
    private final Map<String, int[]> shared = new HashMap<>();

    KernelRunner(CudaDevice device, PtxModules modules) {
        this.device = device;
        this.modules = modules;
    }

    void launch(String family, String kernel, LaunchConfig cfg, KernelArgs args) {
        CUfunction f = function(family, kernel);
        try {
            if (cfg.sharedBytes() > 0) {
                allowDynamicShared(f, family + "/" + kernel, cfg.sharedBytes());
            }
            enqueue(f, cfg, args);
        } catch (CudaException e) {
            throw new IllegalStateException("kernel " + kernel + " failed: " + e.getMessage() + "; launch " + cfg
                    + " args " + args, e);
        }
    }

    /** Raises the kernel's dynamic shared memory limit when this launch needs more than 48 KB in all. */
    private synchronized void allowDynamicShared(CUfunction f, String key, int dynamicBytes) {
        int[] s = shared.get(key);
        if (s == null) {
            s = new int[] {staticSharedBytes(f), 0};
            shared.put(key, s);
        }
        if (dynamicBytes <= s[1]) {
            return;
        }
        int optIn = Launch.dynamicSharedOptIn(key, dynamicBytes, s[0], sharedOptInLimit());
        if (optIn > 0) {
            setMaxDynamicShared(f, optIn);
            s[1] = optIn;
        }
    }

    // The driver calls of a launch, one method each (host tests override them).

    CUfunction function(String family, String kernel) {
        return modules.function(family, kernel);
    }

    int staticSharedBytes(CUfunction f) {
        int[] bytes = new int[1];
        JCudaDriver.cuFuncGetAttribute(bytes, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, f);
        return bytes[0];
    }

    int sharedOptInLimit() {
        return device.sharedOptInLimit();
    }

    void setMaxDynamicShared(CUfunction f, int bytes) {
        JCudaDriver.cuFuncSetAttribute(f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
    }

    void enqueue(CUfunction f, LaunchConfig cfg, KernelArgs args) {
        JCudaDriver.cuLaunchKernel(f, cfg.gridX(), cfg.gridY(), cfg.gridZ(), cfg.blockX(), 1, 1,
                cfg.sharedBytes(), null, args.toPointer(), null);
        if (syncEachLaunch) {
            JCudaDriver.cuCtxSynchronize();
        }
    }

    /** dst = src, {@code bytes} bytes within the device (queued in order with the kernels). */
    void copy(CUdeviceptr dst, CUdeviceptr src, long bytes) {
        JCudaDriver.cuMemcpyDtoD(dst, src, bytes);
    }

    /** Reads {@code count} floats back to the host (waits for the queued work). */
    void download(float[] dst, CUdeviceptr src, int count) {
        JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), src, 4L * count);
    }

    CudaDevice device() {
        return device;
    }
}
