package org.jdna.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one place the JMH settings of every jdna benchmark live (docs/architecture.md, rule 8): JMH's
 * annotations are inherited, so each benchmark class extends this and states only its params.
 *
 * <p>{@link #VECTOR_FLAG} must equal the parent POM's {@code jdna.vectorFlag}: forked JVMs do not
 * see Maven properties, and annotation values must be compile-time constants. The forks run without
 * {@code -ea} (bounds checks stay, assertions go), with a fixed heap so GC sizing does not drift.
 *
 * <p>Throughput mode, per second: the primary score is calls per second (ms per call = 1000 /
 * score; {@code compare.sh} converts), and the {@link Work} counters then read directly as GFLOP/s
 * and GB/s. (In average-time mode JMH would print the counters inverted, as seconds per unit.)
 *
 * <p>Defaults are the "full" settings; {@code compare.sh --quick} overrides them on the command
 * line ({@code -f 1 -wi 2 -i 3}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {JdnaBenchmark.VECTOR_FLAG, JdnaBenchmark.NATIVE_ACCESS_FLAG, "-Xms3g", "-Xmx3g",
        "-XX:+UseParallelGC"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class JdnaBenchmark {

    /** Mirrors {@code jdna.vectorFlag} in the parent pom.xml. */
    public static final String VECTOR_FLAG = "--add-modules=jdk.incubator.vector";
    /**
     * Lets the SIMD GEMM start its packed panels on cache lines (kernels-simd's CacheLineAlignment), as
     * the jdna launcher does; without it the panels lie wherever the array happens to be.
     */
    public static final String NATIVE_ACCESS_FLAG = "--enable-native-access=ALL-UNNAMED";
}
