package org.jdna.cuda;

import java.util.IdentityHashMap;
import java.util.Map;

import org.jdna.engine.memory.CachingAllocator;
import org.jdna.engine.memory.MemoryStats;

/**
 * The CUDA backend's caching allocator: device blocks in size classes of 512-byte granules
 * (the engine's {@link CachingAllocator}), so the device is asked for memory only when the pool
 * grows and never frees on the hot path. Every device allocation of the backend comes from here:
 * storages and the kernels' scratch ({@link DeviceScratch}), so the statistics cover both.
 *
 * <p>A storage's block returns here when the storage is closed, when its memory scope ends, or when
 * the garbage collector finds it unreachable; reuse is safe without a synchronization because every
 * kernel and copy runs on the one default stream in issue order. When the device is out of memory
 * the cached blocks are freed and the allocation is tried once more.
 *
 * <p>The pool remembers the blocks it has lent, so that {@link #close} can free all of them, in use
 * or cached, while the backend's context is still alive; a block that comes back after that (a
 * storage closed or cleaned after its backend) is ignored, never freed twice. Host-side logic only:
 * the device calls sit behind {@link DeviceAllocator}.
 */
final class DeviceMemoryPool implements AutoCloseable {
    /** Bytes per unit of a size class (cuMemAlloc aligns to at least 256). */
    static final long GRANULE = 512;

    private final CachingAllocator<DeviceAllocator.DeviceBlock> blocks;
    /** Blocks lent and not yet returned (identity: a block is one allocation; no entry objects per put). */
    private final Map<DeviceAllocator.DeviceBlock, Boolean> lent = new IdentityHashMap<>();
    private boolean closed;

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
    synchronized DeviceAllocator.DeviceBlock take(long bytes) {
        if (closed) {
            throw new IllegalStateException("backend 'cuda': its device memory pool was closed with it");
        }
        DeviceAllocator.DeviceBlock block = blocks.take(Math.max(1, (bytes + GRANULE - 1) / GRANULE));
        lent.put(block, Boolean.TRUE);
        return block;
    }

    /**
     * Returns a block from {@link #take}: cached for reuse. After {@link #close} the block was freed
     * already and this does nothing.
     */
    synchronized void give(DeviceAllocator.DeviceBlock block) {
        if (lent.remove(block) == null) {
            if (closed) {
                return;
            }
            throw new IllegalArgumentException("device memory pool: " + block + " was not lent by this pool, or came back twice");
        }
        blocks.give(block);
    }

    synchronized MemoryStats stats() {
        return blocks.stats();
    }

    synchronized void releaseCached() {
        blocks.releaseCached();
    }

    synchronized void resetPeak() {
        blocks.resetPeak();
    }

    /**
     * Frees every block the pool made, those in use included: the backend closes its context next,
     * and a block freed later would name memory of a context that is gone. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DeviceAllocator.DeviceBlock block : lent.keySet()) {
            blocks.give(block);                           // into the cache, so that the close below frees it
        }
        lent.clear();
        blocks.close();
    }
}
