package org.jdna.cuda;

/**
 * Where {@link DeviceMemoryPool} gets device memory: cuMemAlloc and cuMemFree on a GPU
 * ({@link JCudaDeviceAllocator}), a counting fake in the host-side tests.
 */
interface DeviceAllocator {

    /** A block of exactly {@code bytes} bytes, or null when the device is out of memory. */
    DeviceBlock allocate(long bytes);

    /** Gives a block made by {@link #allocate} back to the device. */
    void free(DeviceBlock block);

    /**
     * One allocation: its device address, size, and the allocator's own handle of it (a
     * CUdeviceptr for JCuda, which cannot be rebuilt from an address).
     */
    record DeviceBlock(long address, long bytes, Object handle) {
    }
}
