package org.jdna.simd;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A parallel-for over a small fixed pool of daemon threads: [0, n) is cut into contiguous pieces
 * (a few per thread) that the calling thread and the workers claim one at a time.
 *
 * <p>Kernels only ever split independent outputs (rows, columns, GEMM tiles, attention heads),
 * never one reduction's summation, so results are identical for every thread count and every cut.
 *
 * <p>Claiming instead of assigning keeps a busy machine from making a parallel loop slower than a
 * serial one: the caller never waits for a worker to start (on a shared, oversubscribed machine a
 * worker may not be scheduled for milliseconds); it runs the pieces nobody has claimed itself and
 * waits only for pieces already running elsewhere.
 *
 * <p>Nothing is allocated per call (no tasks, no futures): the job is published through fields and
 * one atomic word holding (job generation, next piece); workers spin briefly and then park. A claim
 * is a compare-and-set on that word, so a worker that wakes late can never run a piece of a job
 * that has finished. A call made from inside a running loop (a worker, or the caller while it runs
 * its own pieces) runs serially: no nested parallelism, no deadlock. Calls from different threads
 * take turns.
 */
public final class Parallel implements AutoCloseable {

    /** Body of a parallel loop: processes indices [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** Spin iterations before a waiting thread parks (a few microseconds). */
    private static final int SPINS = 1 << 12;
    /** Pieces per thread a loop is cut into (balance against the cost of one claim). */
    private static final int PIECES_PER_THREAD = 4;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    /** (generation << 32) | next unclaimed piece of the current job. */
    private final AtomicLong claims = new AtomicLong();
    /** Pieces of the current job that have finished. */
    private final AtomicInteger finished = new AtomicInteger();
    // the failure of the lowest piece that failed: the one a serial loop would have met first
    private Throwable failure;
    private int failedPiece;
    private int generation;
    private volatile boolean closed;
    // the current job, published by the volatile write of claims (and of each worker's ticket)
    private RangeBody body;
    private int n;
    private int pieces;
    private volatile Thread caller;

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
     * Runs body over [0, n) in contiguous pieces of at least {@code grain} indices (one piece, run
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
            int p = (int) Math.min(Math.max(1, n / Math.max(1, (long) grain)), (long) c * PIECES_PER_THREAD);
            this.body = body;
            this.n = n;
            this.pieces = p;
            this.caller = Thread.currentThread();
            failure = null;
            failedPiece = Integer.MAX_VALUE;
            finished.set(0);
            int job = ++generation;
            claims.set((long) job << 32); // publishes the job: piece 0 is next
            for (int w = 0; w < c - 1; w++) {
                workers[w].ticket = job;
                LockSupport.unpark(workers[w]);
            }
            runPieces(job, body, n, p);
            awaitPieces(p);
            // closes the job for late workers before the next job's fields are written: a claim of
            // this generation can no longer succeed, whatever piece count it reads
            claims.set(((long) job << 32) | Integer.MAX_VALUE);
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

    /** Number of threads forRange uses for n indices with the given grain (1 inside a running loop). */
    public int chunks(int n, int grain) {
        if (workers.length == 0 || lock.isHeldByCurrentThread() || Thread.currentThread() instanceof Worker) {
            return 1;
        }
        long byGrain = Math.max(1, n / Math.max(1, (long) grain));
        return (int) Math.min(threads, byGrain);
    }

    /** Claims and runs pieces of job {@code job} until none is left. */
    private void runPieces(int job, RangeBody body, int n, int pieces) {
        while (true) {
            long v = claims.get();
            int piece = (int) v;
            if ((int) (v >>> 32) != job || piece >= pieces) {
                return;
            }
            if (!claims.compareAndSet(v, v + 1)) {
                continue;
            }
            try {
                body.run(bound(n, pieces, piece), bound(n, pieces, piece + 1));
            } catch (RuntimeException | Error e) {
                fail(piece, e);
            }
            if (finished.incrementAndGet() == pieces) {
                Thread waiting = caller;
                if (waiting != Thread.currentThread()) {
                    LockSupport.unpark(waiting);
                }
            }
        }
    }

    private synchronized void fail(int piece, Throwable e) {
        if (piece < failedPiece) {
            failedPiece = piece;
            failure = e;
        }
    }

    private void awaitPieces(int pieces) {
        for (int spin = 0; finished.get() < pieces; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    private static int bound(int n, int pieces, int p) {
        return (int) ((long) n * p / pieces);
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** A worker claims pieces of every job ticketed to it. */
    private final class Worker extends Thread {
        private volatile int ticket;

        Worker(int index) {
            super("jdna-simd-" + index);
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
                // read the job after the ticket; a claim succeeds only while this job is the current one
                long v = claims.get();
                if ((int) (v >>> 32) != seen) {
                    continue; // that job is over (and maybe another one started: its ticket will come)
                }
                runPieces(seen, body, n, pieces);
            }
        }
    }
}
