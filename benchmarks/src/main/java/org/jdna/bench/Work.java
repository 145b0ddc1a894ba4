package org.jdna.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary metrics: a benchmark call adds the work it did to one of these counters, and JMH
 * divides the sum by the measured time. The benchmarks run in throughput mode per second (see
 * {@link JdnaBenchmark}), so JMH prints them as "ops/s" that are really GFLOP/s or GB/s, under the
 * names {@code gflop} and {@code gbyte} (JSON: {@code secondaryMetrics}).
 */
public final class Work {
    private Work() {
    }

    /** Floating-point operations done, in units of 1e9 (a multiply-add counts 2): prints GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    /** Bytes read plus bytes written, in units of 1e9: prints GB/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gbyte;

        @Setup(Level.Iteration)
        public void reset() {
            gbyte = 0;
        }
    }

    /** A training step's tokens and model FLOPs (units of 1e9): prints tokens/s and GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Training {
        public double tokens;
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
            gflop = 0;
        }
    }
}
