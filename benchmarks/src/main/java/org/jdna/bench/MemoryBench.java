package org.jdna.bench;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The memory ceiling: a plain copy of as many bytes as the dispatch buffer of a routing shape holds
 * (N*K rows of D floats), first with {@code System.arraycopy} (one thread), then with the backend's
 * {@code copy} at the given thread count. dispatch and combine are judged against this rate.
 */
@State(Scope.Benchmark)
public class MemoryBench extends JdnaBenchmark {

    @Param({"d256", "d512"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private float[] src;
    private float[] dst;
    private double gbytesPerCopy;
    private Backend backend;
    private Storage from;
    private Storage to;

    @Setup
    public void setUp() {
        RoutingShape s = RoutingShape.named(shape);
        int len = s.dispatchRows() * s.d();
        src = HostData.gaussian(len, 1, 1f);
        dst = new float[len];
        gbytesPerCopy = 2.0 * len * Float.BYTES / 1e9;
        backend = BenchBackends.create(threads);
        from = HostData.gaussian(backend, len, 1, 1f);
        to = backend.allocate(len);
    }

    @TearDown
    public void tearDown() throws Exception {
        BenchBackends.close(backend);
    }

    /** Single-threaded whatever {@code threads} says: the JDK's own copy, the floor of the ceiling. */
    @Benchmark
    public float[] arraycopy(Work.Bytes work) {
        System.arraycopy(src, 0, dst, 0, src.length);
        work.gbyte += gbytesPerCopy;
        return dst;
    }

    /** The backend's own copy within its storage, at {@code threads} threads. */
    @Benchmark
    public Storage backendCopy(Work.Bytes work) {
        backend.copy(to, 0, from, 0, to.length());
        backend.synchronize();
        work.gbyte += gbytesPerCopy;
        return to;
    }
}
