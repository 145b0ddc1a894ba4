package org.jdna.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * Reusable device buffers for per-call uploads (the SPI's host int[] index arrays) and
 * temporaries, lent by the backend's {@link DeviceMemoryPool}, so that the pool's statistics count
 * them and nothing here calls cuMemAlloc or cuMemFree. Each slot keeps the largest block asked of it:
 * a slot that must grow takes a larger block from the pool and gives its old one back to the pool's
 * cache (not to the driver), so once every slot has met its largest request a step asks the device
 * for nothing. Handing the old block to the next user is safe: cuMemcpyHtoD from pageable memory,
 * cuMemsetD32 and every kernel run on the one default stream in issue order, so no later use of the
 * block overtakes a queued kernel that still reads it. (Not final: host tests of the launchers
 * record uploads instead.)
 */
class DeviceScratch implements AutoCloseable {

    /** Slots: one per simultaneous buffer of one call. */
    enum Slot { INDEX_A, INDEX_B, INDEX_C, FLOATS, TEMP_A, TEMP_B, RESULT }

    record Buffer(CUdeviceptr pointer, long address, long bytes) {
    }

    private static final Slot[] SLOTS = Slot.values();

    private final DeviceMemoryPool pool;
    private final DeviceAllocator.DeviceBlock[] blocks = new DeviceAllocator.DeviceBlock[SLOTS.length];
    private final Buffer[] buffers = new Buffer[SLOTS.length];

    DeviceScratch(DeviceMemoryPool pool) {
        this.pool = pool;
    }

    /** Device buffer of at least {@code bytes} bytes in {@code slot} (contents undefined). */
    Buffer buffer(Slot slot, long bytes) {
        Buffer b = buffers[slot.ordinal()];
        return b != null && b.bytes() >= bytes ? b : grow(slot, bytes);
    }

    /**
     * Swaps the slot's block for one of at least {@code bytes}, rounded up to a power of two so that
     * a demand that creeps up (row counts of routed modules) changes the block a few times only.
     * The old block goes back first, so that the pool may free it if the device is short of memory.
     */
    private Buffer grow(Slot slot, long bytes) {
        int i = slot.ordinal();
        if (blocks[i] != null) {
            DeviceAllocator.DeviceBlock old = blocks[i];
            blocks[i] = null;
            buffers[i] = null;
            pool.give(old);
        }
        DeviceAllocator.DeviceBlock block = pool.take(roundUp(bytes));
        blocks[i] = block;
        buffers[i] = new Buffer((CUdeviceptr) block.handle(), block.address(), block.bytes());
        return buffers[i];
    }

    /** The smallest power of two of at least {@code bytes} (at least 1). */
    static long roundUp(long bytes) {
        return bytes <= 1 ? 1 : Long.highestOneBit(bytes - 1) << 1;
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
            JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), buffers[slot.ordinal()].pointer(), 4L * len);
        }
    }

    void downloadDoubles(Slot slot, double[] dst, int len) {
        if (len > 0) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), buffers[slot.ordinal()].pointer(), 8L * len);
        }
    }

    /** Gives every slot's block back to the pool (the pool frees them when it closes). Idempotent. */
    @Override
    public void close() {
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] != null) {
                DeviceAllocator.DeviceBlock block = blocks[i];
                blocks[i] = null;
                buffers[i] = null;
                pool.give(block);
            }
        }
    }
}
