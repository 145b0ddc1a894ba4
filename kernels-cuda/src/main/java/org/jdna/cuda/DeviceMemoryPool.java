package org.jdna.cuda;

import org.jdna.engine.memory.CachingAllocator;
import org.jdna.engine.memory.MemoryStats;

/**
 * The CUDA backend's caching allocator: device blocks in size classes of 512-byte granules
 * (the engine's {@link CachingAllocator}), so the device is asked for memory only when the pool
 * grows and never frees on the hot path. Every device allocation of the backend comes from here:
 * storages and the kernels' scratch ({@link DeviceScratch}), so the statistics cover both.
 * A storage's block returns here when the storage is
 * closed, when its memory scope ends, or when the garbage collector finds it unreachable; reuse is
 * safe without a synchronization because every kernel and copy runs on the one default stream in
 * issue order. When the device is out of memory the cached blocks are freed and the allocation is
 * tried once more. Host-side logic only: the device calls sit behind {@link DeviceAllocator}.
 */
final class DeviceMemoryPool implements AutoCloseable {
    /** Bytes per unit of a size class (cuMemAlloc aligns to at least 256). */
    static final long GRANULE = 512;

    private final CachingAllocator<DeviceAllocator.DeviceBlock> blocks;

    DeviceMemoryPool(DeviceAllocator device) {
        this.blocks = new CachingAllocator<>(new CachingAllocator.Source<>() {
            @Override
            public DeviceAllocator.DeviceBlock allocate(long units) {
                return device.allocate(units * GRANULE);
            }

            @Override
            public void free(DeviceAllocator.DeviceBlock block) {
                device.free(block);
            }

            @Override
            public long units(DeviceAllocator.DeviceBlock block) {
                return block.bytes() / GRANULE;
            }
        }, GRANULE);
    }

    /** A block of at least {@code bytes} bytes (contents undefined). */
    DeviceAllocator.DeviceBlock take(long bytes) {
        return blocks.take(Math.max(1, (bytes + GRANULE - 1) / GRANULE));
    }

    /** Returns a block from {@link #take}: cached for reuse, or freed once the pool is closed. */
    void give(DeviceAllocator.DeviceBlock block) {
        blocks.give(block);
    }

    MemoryStats stats() {
        return blocks.stats();
    }

    void releaseCached() {
        blocks.releaseCached();
    }

    void resetPeak() {
        blocks.resetPeak();
    }

    /** Frees every cached block now and every block in use as it comes back. */
    @Override
    public void close() {
        blocks.close();
    }
}
