package org.jdna.cuda;

import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** cuMemAlloc / cuMemFree on one device, for its {@link DeviceMemoryPool}. */
final class JCudaDeviceAllocator implements DeviceAllocator {
    private final CudaDevice device;

    JCudaDeviceAllocator(CudaDevice device) {
        this.device = device;
    }

    @Override
    public DeviceBlock allocate(long bytes) {
        device.makeCurrent();
        CUdeviceptr p = new CUdeviceptr();
        try {
            JCudaDriver.cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            if (e.getMessage() != null && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
                return null;
            }
            throw e;
        }
        return new DeviceBlock(CudaDevice.addressOf(p), bytes, p);
    }

    @Override
    public void free(DeviceBlock block) {
        device.makeCurrent();
        JCudaDriver.cuMemFree((CUdeviceptr) block.handle());
    }
}
