package org.jdna.simd;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A parallel-for over a small fixed pool of daemon threads: [0, n) is split into at most
 * {@code threads} contiguous chunks and the calling thread runs the first chunk itself.
 *
 * <p>Kernels only ever split independent outputs (rows, columns, GEMM tiles, attention heads),
 * never one reduction's summation, so results are identical for every thread count.
 *
 * <p>Nothing is allocated per call (no tasks, no futures): the job is published through fields and
 * a per-worker ticket (a volatile write); workers spin briefly and then park. A call made from
 * inside a running loop (a worker, or the caller while it runs its own chunk) runs serially: no
 * nested parallelism, no deadlock. Calls from different threads take turns.
 */
public final class Parallel implements AutoCloseable {

    /** Body of a parallel loop: processes indices [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** Spin iterations before a waiting thread parks (a few microseconds). */
    private static final int SPINS = 1 << 12;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    // the failure of the lowest chunk that failed: the one a serial loop would have met first
    private Throwable failure;
    private int failedChunk;
    private int generation;
    private volatile boolean closed;
    // the current job, published to each worker by the volatile write of its ticket
    private RangeBody body;
    private int n;
    private int chunks;
    private Thread caller;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("simd: threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) in contiguous chunks of at least {@code grain} indices (one chunk, run
     * inline, when n < 2 * grain, with one thread, or inside a running loop).
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int c = chunks(n, grain);
        if (c <= 1) {
            body.run(0, n);
            return;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("simd: the backend's thread pool was closed");
            }
            this.body = body;
            this.n = n;
            this.chunks = c;
            this.caller = Thread.currentThread();
            failure = null;
            failedChunk = Integer.MAX_VALUE;
            pending.set(c - 1);
            int job = ++generation;
            for (int w = 0; w < c - 1; w++) {
                workers[w].ticket = job; // publishes the job to worker w
                LockSupport.unpark(workers[w]);
            }
            try {
                body.run(0, bound(n, c, 1));
            } catch (RuntimeException | Error e) {
                fail(0, e);
            }
            awaitWorkers();
            this.body = null;
            Throwable t;
            synchronized (this) {
                t = failure;
                failure = null;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Number of chunks forRange uses for n indices with the given grain (1 inside a running loop). */
    public int chunks(int n, int grain) {
        if (workers.length == 0 || lock.isHeldByCurrentThread() || Thread.currentThread() instanceof Worker) {
            return 1;
        }
        long byGrain = Math.max(1, n / Math.max(1, (long) grain));
        return (int) Math.min(threads, byGrain);
    }

    private synchronized void fail(int chunk, Throwable e) {
        if (chunk < failedChunk) {
            failedChunk = chunk;
            failure = e;
        }
    }

    private void awaitWorkers() {
        for (int spin = 0; pending.get() > 0; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    private static int bound(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** Worker i runs chunk i of every job ticketed to it (those with more than i chunks). */
    private final class Worker extends Thread {
        private final int index;
        private volatile int ticket;

        Worker(int index) {
            super("jdna-simd-" + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            int seen = 0;
            while (true) {
                int spin = 0;
                while (ticket == seen && !closed) {
                    if (spin++ < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
                if (closed) {
                    return;
                }
                seen = ticket;
                int c = chunks;
                try {
                    body.run(bound(n, c, index), bound(n, c, index + 1));
                } catch (RuntimeException | Error e) {
                    fail(index, e);
                }
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
