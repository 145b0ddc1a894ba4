package org.jdna.cuda;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.memory.MemoryScope;

/**
 * Device-resident float32 buffer, a block of its backend's {@link DeviceMemoryPool}. {@link #close()}
 * (or the end of the memory scope it was made in) returns the block at once; a storage that becomes
 * unreachable without being closed returns it through a {@link Cleaner}. Once its backend is closed
 * the block has been freed with the backend's pool: any use throws, and closing does nothing.
 */
public final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Device allocations made so far in this process (tests check that a primitive makes none). */
    private static final AtomicLong ALLOCATIONS = new AtomicLong();

    private final CudaBackend backend;
    private final CUdeviceptr pointer;
    private final long address;
    private final int length;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    /** Returns the block to the pool; holds no reference to the storage itself. */
    private record Free(DeviceMemoryPool pool, DeviceAllocator.DeviceBlock block) implements Runnable {
        @Override
        public void run() {
            pool.give(block);
        }
    }

    CudaStorage(CudaBackend backend, DeviceMemoryPool pool, CudaDevice device, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("allocate: negative length " + length);
        }
        this.backend = backend;
        this.length = length;
        DeviceAllocator.DeviceBlock block = pool.take(4L * Math.max(1, length));
        this.pointer = (CUdeviceptr) block.handle();
        device.makeCurrent();
        JCudaDriver.cuMemsetD32(pointer, 0, Math.max(1, length));
        this.address = block.address();
        this.cleanable = CLEANER.register(this, new Free(pool, block));
        MemoryScope.track(this);
        ALLOCATIONS.incrementAndGet();
    }

    /**
     * A storage over device memory it does not own, at {@code address}: nothing is allocated or
     * freed. Host tests of the launchers give it made-up addresses (no driver call touches it there).
     */
    CudaStorage(long address, int length) {
        this.backend = null;
        this.length = length;
        this.pointer = new CUdeviceptr();
        this.address = address;
        this.cleanable = null;
    }

    /** Device blocks taken by {@link CudaBackend#allocate} so far in this process (from the pool or new). */
    static long allocations() {
        return ALLOCATIONS.get();
    }

    /** Unwraps a storage that must be a live storage of this backend; {@code op} names the caller. */
    static CudaStorage of(Storage s, String op) {
        if (s instanceof CudaStorage c) {
            if (c.closed) {
                throw new IllegalStateException(op + ": storage of backend 'cuda' was closed");
            }
            if (c.backend != null && c.backend.isClosed()) {
                throw new IllegalStateException(op + ": storage of backend 'cuda', which was closed");
            }
            return c;
        }
        throw new IllegalArgumentException(op + ": expected a cuda storage, got "
                + (s == null ? "null" : s.getClass().getSimpleName() + " of backend '" + s.backend().name() + "'"));
    }

    /** Address of element {@code off} of {@code s}, or 0 when {@code s} is null (an optional buffer). */
    static long addressOrNull(Storage s, String op) {
        return s == null ? 0L : of(s, op).at(0);
    }

    /** Device address of element {@code off}. */
    long at(int off) {
        return address + 4L * off;
    }

    CUdeviceptr pointer(int off) {
        return off == 0 ? pointer : pointer.withByteOffset(4L * off);
    }

    @Override public Backend backend() { return backend; }
    @Override public int length() { return length; }
    @Override public boolean isClosed() { return closed; }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (cleanable != null) {
                cleanable.clean();
            }
        }
    }
}
