package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.extension.ExtendWith;
import org.pastalab.fray.junit.junit5.FrayTestExtension;
import org.pastalab.fray.junit.junit5.annotations.ConcurrencyTest;

/**
 * {@link Parallel}'s park/unpark hand-off under Fray, which runs the threads one at a time and
 * chooses at every synchronization point (park, unpark, an atomic, a lock) which one goes next,
 * a new interleaving each iteration (its default POS scheduler samples them at random, not
 * exhaustively): a schedule that loses a wake-up ends with every
 * thread parked, which Fray reports as a DeadlockException, instead of a test that happens to
 * pass because the timing never lined up. (ParallelTest's parkedWorkersAndAParkedCallerAreWoken
 * tries the same with sleeps.)
 *
 * <p>Each job's chunks wait for one another (a latch counted down by every chunk), so a job can
 * only finish with every thread of the pool running a chunk at once: a worker left parked, or a
 * caller left parked after the last chunk, stops it. Three jobs back to back, so later ones find
 * workers that parked after the one before (or are still finishing it). With either unpark in
 * Parallel left out (the caller's in runClaimedChunks, or the worker's in wake), Fray reported
 * the deadlock at iterations 6, 12 and 37 of the two-thread test and 1, 2 and 22 of the
 * three-thread one (three runs: two without the worker's unpark, one without the caller's); the
 * bounds leave a wide margin over that.
 *
 * <p>These tests run only on a JVM prepared for Fray: the kernels-simd pom's "fray" execution
 * (an instrumented JDK linked from the build's own, Fray's agent and its JVMTI library; see the
 * pom). Anywhere else FrayTestExtension reports them as skipped.
 */
@ExtendWith(FrayTestExtension.class)
class ParallelFrayTest {

    @ConcurrencyTest(iterations = 150)
    void twoThreadsNeverLoseAWakeUp() {
        handOff(2);
    }

    @ConcurrencyTest(iterations = 75)
    void threeThreadsNeverLoseAWakeUp() {
        handOff(3);
    }

    private static void handOff(int threads) {
        try (Parallel pool = new Parallel(threads)) {
            for (int job = 0; job < 3; job++) {
                CountDownLatch allRunning = new CountDownLatch(threads);
                int[] runs = new int[threads];
                pool.forRange(threads, 1, (from, to) -> {
                    runs[from]++;
                    allRunning.countDown();
                    try {
                        allRunning.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                int[] once = new int[threads];
                java.util.Arrays.fill(once, 1);
                assertArrayEquals(once, runs, "job " + job + ": every chunk runs once");
            }
        }
    }
}
