package org.jdna.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link DeviceMemoryPool} of each device, made at its first allocation. */
final class CudaMemory {
    private static final Map<CudaDevice, DeviceMemoryPool> POOLS = new ConcurrentHashMap<>();

    private CudaMemory() {
    }

    static DeviceMemoryPool pool(CudaDevice device) {
        return POOLS.computeIfAbsent(device, d -> new DeviceMemoryPool(new JCudaDeviceAllocator(d)));
    }
}
