package org.jdna.cuda;

import java.util.HashMap;
import java.util.Map;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * Reusable device buffers for per-call uploads (the SPI's host int[] index arrays) and
 * temporaries. Each slot grows to the largest size asked and is reused: cuMemcpyHtoD from pageable
 * memory on the default stream waits for earlier kernels, so an upload never overwrites a buffer a
 * queued kernel still reads. (Not final: host tests of the launchers record uploads instead.)
 */
class DeviceScratch implements AutoCloseable {

    /** Slots: one per simultaneous buffer of one call. */
    enum Slot { INDEX_A, INDEX_B, INDEX_C, FLOATS, TEMP_A, TEMP_B, RESULT }

    record Buffer(CUdeviceptr pointer, long address, long bytes) {
    }

    private final CudaDevice device;
    private final Map<Slot, Buffer> buffers = new HashMap<>();

    DeviceScratch(CudaDevice device) {
        this.device = device;
    }

    /** Device buffer of at least {@code bytes} bytes in {@code slot} (contents undefined). */
    Buffer buffer(Slot slot, long bytes) {
        Buffer b = buffers.get(slot);
        if (b == null || b.bytes() < bytes) {
            if (b != null) {
                JCudaDriver.cuMemFree(b.pointer());
            }
            long size = Math.max(256, Long.highestOneBit(Math.max(1, bytes - 1)) << 1);
            CUdeviceptr p = new CUdeviceptr();
            JCudaDriver.cuMemAlloc(p, size);
            b = new Buffer(p, CudaDevice.addressOf(p), size);
            buffers.put(slot, b);
        }
        return b;
    }

    /** Uploads data[0, len) and returns its device address. */
    long ints(Slot slot, int[] data, int len) {
        Buffer b = buffer(slot, 4L * Math.max(1, len));
        if (len > 0) {
            JCudaDriver.cuMemcpyHtoD(b.pointer(), Pointer.to(data), 4L * len);
        }
        return b.address();
    }

    /** Uploads data[0, len) and returns its device address. */
    long floats(Slot slot, float[] data, int len) {
        Buffer b = buffer(slot, 4L * Math.max(1, len));
        if (len > 0) {
            JCudaDriver.cuMemcpyHtoD(b.pointer(), Pointer.to(data), 4L * len);
        }
        return b.address();
    }

    /** Address of a temporary of {@code bytes} bytes. */
    long temp(Slot slot, long bytes) {
        return buffer(slot, bytes).address();
    }

    /** Fills {@code count} 32-bit words of the slot with {@code bits}; returns the address. */
    long filledInts(Slot slot, int count, int bits) {
        Buffer b = buffer(slot, 4L * Math.max(1, count));
        JCudaDriver.cuMemsetD32(b.pointer(), bits, Math.max(1, count));
        return b.address();
    }

    void downloadInts(Slot slot, int[] dst, int len) {
        if (len > 0) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), buffers.get(slot).pointer(), 4L * len);
        }
    }

    void downloadDoubles(Slot slot, double[] dst, int len) {
        if (len > 0) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), buffers.get(slot).pointer(), 8L * len);
        }
    }

    @Override
    public void close() {
        device.makeCurrent();
        for (Buffer b : buffers.values()) {
            JCudaDriver.cuMemFree(b.pointer());
        }
        buffers.clear();
    }
}
