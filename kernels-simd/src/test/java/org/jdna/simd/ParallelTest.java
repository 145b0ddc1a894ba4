package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pool's contract under claiming: every index runs exactly once per call, in chunks whose bounds
 * depend only on n, grain and the thread count; the lowest failing chunk's exception is the one
 * thrown; back-to-back calls (where a worker may still be finishing the previous call, or wake
 * late for it) never run a chunk twice or under another call's body.
 */
class ParallelTest {

    @Test
    void everyIndexRunsOnceForManyShapesAndThreadCounts() {
        Random rng = new Random(41);
        for (int threads = 1; threads <= 4; threads++) {
            try (Parallel pool = new Parallel(threads)) {
                for (int call = 0; call < 2000; call++) {
                    int n = 1 + rng.nextInt(call % 10 == 0 ? 5000 : 50);
                    int grain = 1 + rng.nextInt(8);
                    int[] runs = new int[n];
                    pool.forRange(n, grain, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            runs[i]++;
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, runs[i], "threads=" + threads + " call " + call + " n=" + n + " grain="
                                + grain + ": index " + i + " ran " + runs[i] + " times");
                    }
                }
            }
        }
    }

    @Test
    void chunkBoundsDoNotDependOnWhichThreadRunsThem() {
        try (Parallel pool = new Parallel(3)) {
            for (int call = 0; call < 500; call++) {
                java.util.Set<String> ranges = java.util.concurrent.ConcurrentHashMap.newKeySet();
                pool.forRange(1000, 10, (from, to) -> ranges.add(from + ".." + to));
                assertEquals(java.util.Set.of("0..333", "333..666", "666..1000"), ranges, "call " + call);
            }
        }
    }

    @Test
    void theLowestFailingChunkIsReportedAndThePoolKeepsWorking() {
        try (Parallel pool = new Parallel(2)) {
            for (int call = 0; call < 200; call++) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                        pool.forRange(100, 1, (from, to) -> {
                            throw new IllegalStateException("chunk from " + from);
                        }));
                assertEquals("chunk from 0", e.getMessage());
                int[] sum = new int[1];
                pool.forRange(100, 1000, (from, to) -> sum[0] += to - from); // one chunk, inline
                assertEquals(100, sum[0]);
            }
        }
    }

    @Test
    void nestedCallsRunSeriallyInsideAChunk() {
        try (Parallel pool = new Parallel(2)) {
            int[] inner = new int[2];
            pool.forRange(2, 1, (from, to) -> pool.forRange(10, 1, (a, b) -> inner[from] += b - a));
            assertEquals(10, inner[0]);
            assertEquals(10, inner[1]);
        }
    }

    /**
     * Tasks really run at the same time (two tasks that each wait for the other finish), every task
     * runs once, a loop called from inside a task runs on the task's thread, and the lowest-numbered
     * failure is rethrown after the others ran.
     */
    @Test
    void tasksShareTheThreadsAndRunTheirLoopsInline() throws Exception {
        try (Parallel p = new Parallel(2)) {
            java.util.concurrent.CyclicBarrier both = new java.util.concurrent.CyclicBarrier(2);
            p.forEachTask(2, i -> {
                try {
                    both.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("task " + i + " never met the other one: they did not run together", e);
                }
            });
            int[] runs = new int[37];
            p.forEachTask(runs.length, i -> {
                Thread self = Thread.currentThread();
                p.forRange(1000, 1, (s, e) -> {
                    if (Thread.currentThread() != self) {
                        throw new IllegalStateException("a loop inside task " + i + " left its thread");
                    }
                });
                runs[i]++;
            });
            for (int i = 0; i < runs.length; i++) {
                assertEquals(1, runs[i], "task " + i);
            }
            java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forEachTask(9, i -> {
                ran.incrementAndGet();
                if (i == 3 || i == 7) {
                    throw new IllegalStateException("task " + i);
                }
            }));
            assertEquals("task 3", e.getMessage());
            assertEquals(9, ran.get());
        }
    }

    /**
     * Parked threads are woken: workers idle long enough to park (their spin lasts ~0.1 ms) must
     * still meet the caller in the next job, and a caller that parked waiting for a slow chunk must
     * be woken by the worker that finishes it (a lost wake-up hangs here until the timeout). This
     * depends on timing; ParallelFrayTest explores the same hand-off's interleavings systematically.
     */
    @Test
    void parkedWorkersAndAParkedCallerAreWoken() {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
            try (Parallel p = new Parallel(2)) {
                java.util.concurrent.CyclicBarrier both = new java.util.concurrent.CyclicBarrier(2);
                for (int round = 0; round < 20; round++) {
                    Thread.sleep(5); // the worker parks
                    p.forRange(2, 1, (from, to) -> {
                        try {
                            both.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        if (from == 1) {
                            sleepQuietly(2); // the caller, done with chunk 0, parks waiting for this one
                        }
                    });
                }
            }
        });
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
