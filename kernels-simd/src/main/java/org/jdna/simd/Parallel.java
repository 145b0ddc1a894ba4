package org.jdna.simd;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A parallel-for over a small fixed pool of daemon threads: [0, n) is split into at most
 * {@code threads} contiguous chunks, which the calling thread and the workers claim one at a time
 * (a compare-and-set per chunk, tagged with the job's number), each its own home chunk first: a
 * worker the OS has not scheduled yet delays nothing, another thread takes its chunk instead (on a
 * loaded machine a fixed assignment of chunks to threads made two threads slower than one), and
 * while all are awake a chunk's rows stay on the same core from call to call.
 *
 * <p>Kernels only ever split independent outputs (rows, columns, GEMM tiles, attention heads),
 * never one reduction's summation, and a chunk's bounds do not depend on which thread runs it, so
 * results are identical for every thread count.
 *
 * <p>Nothing is allocated per call (no tasks, no futures): the job is published through fields, a
 * job counter and a per-worker ticket (volatile writes); workers spin briefly and then park. A
 * call made from inside a running loop (a worker, or the caller while it runs a chunk) runs
 * serially: no nested parallelism, no deadlock. Calls from different threads take turns.
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
    /** Chunks of the current job not finished yet. */
    private final AtomicInteger pending = new AtomicInteger();
    /** job number (high 32 bits) | its chunk count: publishes a job (its fields are written before). */
    private final AtomicLong claims = new AtomicLong();
    /**
     * The job that last claimed chunk c, at [c * PAD] (a cache line apart): a chunk is free for job j
     * while it holds an earlier job's number. Job numbers only grow (compared by difference, so
     * wrapping around is fine).
     */
    private final AtomicIntegerArray taken;
    private static final int PAD = 16;
    // the failure of the lowest chunk that failed: the one a serial loop would have met first
    private Throwable failure;
    private int failedChunk;
    private int generation;
    private volatile boolean closed;
    /** The caller is parked, or about to be, in awaitWorkers. */
    private volatile boolean callerParked;
    // the current job, published by the volatile write of claims (a claim reads it)
    private RangeBody body;
    private int n;
    private Thread caller;

    public Parallel(int threads) {
        if (threads < 1 || threads > 0xFFFF) {
            throw new IllegalArgumentException("simd: threads must be in [1, 65535], got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        this.taken = new AtomicIntegerArray(threads * PAD);
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
     * inline, when n < 2 * grain, with one thread, or inside a running loop). Returns when every
     * chunk has run, on whichever threads claimed them.
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
            this.caller = Thread.currentThread();
            failure = null;
            failedChunk = Integer.MAX_VALUE;
            pending.set(c);
            int job = ++generation;
            claims.set((long) job << 32 | c); // publishes the job to whoever claims a chunk
            for (int w = 0; w < c - 1; w++) {
                workers[w].wake(job);
            }
            runClaimedChunks(job, 0);
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

    /**
     * Runs task(0), ..., task(n - 1), each on whichever thread takes it next (the caller's
     * included), and returns when all have finished. Everything a task calls runs inline on its
     * thread, as from inside any running loop. Tasks are taken in number order, so numbering the
     * longest first balances the threads. A failing task does not stop the others; the exception of
     * the lowest-numbered failing task is rethrown at the end. Outside a running loop and with more
     * than one thread, allocates a counter and a loop body per call (meant for coarse tasks).
     */
    public void forEachTask(int n, java.util.function.IntConsumer task) {
        int c = chunks(n, 1);
        if (c <= 1) {
            for (int i = 0; i < n; i++) {
                task.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Throwable[] firstFailure = new Throwable[1];
        int[] failedTask = {Integer.MAX_VALUE};
        forRange(c, 1, (from, to) -> {
            for (int i; (i = next.getAndIncrement()) < n; ) {
                try {
                    task.accept(i);
                } catch (RuntimeException | Error e) {
                    synchronized (firstFailure) {
                        if (i < failedTask[0]) {
                            failedTask[0] = i;
                            firstFailure[0] = e;
                        }
                    }
                }
            }
        });
        synchronized (firstFailure) {
            if (firstFailure[0] instanceof RuntimeException re) {
                throw re;
            }
            if (firstFailure[0] instanceof Error err) {
                throw err;
            }
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

    /**
     * Claims and runs chunks of job: its home chunk first (the caller's is 0, worker w's is w + 1),
     * then any other still free, until none is left or the job is no longer the current one (a
     * worker waking late must not run a newer job's chunks). Home chunks keep a chunk's rows on
     * the same core from call to call whenever every thread is awake: with one shared counter the
     * first thread to arrive took chunk 0, so the halves swapped cores in about one call in eight,
     * and the rows written then came from the other core's cache (a swapped call ran much slower:
     * benchmarks/results/design-measurements.md). The job's fields are read after a
     * successful claim: a job cannot end, and so cannot be replaced, while one of its chunks is
     * unclaimed or unfinished.
     */
    private void runClaimedChunks(int job, int home) {
        long claim = claims.get();
        if ((int) (claim >>> 32) != job) {
            return;
        }
        int c = (int) claim;
        for (int i = 0; i < c; i++) {
            int chunk = (home + i) % c;
            int last = taken.get(chunk * PAD);
            if (last - job >= 0 || !taken.compareAndSet(chunk * PAD, last, job)) {
                continue; // this job's already (or a newer job's: this one is over)
            }
            try {
                body.run(bound(n, c, chunk), bound(n, c, chunk + 1));
            } catch (RuntimeException | Error e) {
                fail(chunk, e);
            }
            if (pending.decrementAndGet() == 0 && Thread.currentThread() != caller && callerParked) {
                LockSupport.unpark(caller);
            }
        }
    }

    private synchronized void fail(int chunk, Throwable e) {
        if (chunk < failedChunk) {
            failedChunk = chunk;
            failure = e;
        }
    }

    /**
     * Spins, then parks, until every chunk is done. The parked flag spares the last worker an
     * unpark (a system call of about a microsecond) when the caller is still spinning: set before
     * pending is read again, so either the worker sees it or this thread sees pending at 0.
     */
    private void awaitWorkers() {
        for (int spin = 0; pending.get() > 0; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                callerParked = true;
                if (pending.get() > 0) {
                    LockSupport.park(this);
                }
                callerParked = false;
            }
        }
    }

    private static int bound(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    /**
     * Stops the workers and returns once they have ended (a worker finishing a chunk first), so that
     * a closed backend holds no thread. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w); // always: the closed flag is not a ticket
        }
        for (Worker w : workers) {
            if (w == Thread.currentThread()) {
                continue;
            }
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A worker claims chunks of every job ticketed to it (those with more than its number of chunks). */
    private final class Worker extends Thread {
        private volatile int ticket;
        /** This worker is parked, or about to be: a new ticket must be followed by an unpark. */
        private volatile boolean parked;
        /** This worker's home chunk (the caller's is 0). */
        private final int home;

        Worker(int index) {
            super("jdna-simd-" + index);
            setDaemon(true);
            this.home = index;
        }

        /**
         * Tickets this worker for job; unparks it only when it is parked or about to be (the flag
         * is set before the ticket is read again, so either it sees the ticket or this sees the
         * flag): unparking a spinning worker cost the caller about a microsecond per call.
         */
        void wake(int job) {
            ticket = job;
            if (parked) {
                LockSupport.unpark(this);
            }
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
                        parked = true;
                        if (ticket == seen && !closed) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                if (closed) {
                    return;
                }
                seen = ticket;
                runClaimedChunks(seen, home);
            }
        }
    }
}
