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
 * The routing kernels at the shapes of {@link RoutingShape} (N = 4096 = 16 x 256 tokens, E = 16, K = 2,
 * D in {256, 512}, H = 4D), each timed alone on a fixed routing made in setup, then one whole routed
 * layer forward and backward. Every call ends with {@code backend.synchronize()} and returns its
 * output. Memory-bound kernels report GB/s (bytes read + written), GEMM-bound ones GFLOP/s.
 * topk, dispatch and combine allocate nothing per call (check with {@code -prof gc}).
 */
@State(Scope.Benchmark)
public class RoutingBench extends JdnaBenchmark {

    @Param({"d256", "d512"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private Backend backend;
    private RoutingProblem p;
    private double topkGbytes, dispatchGbytes, combineGbytes;
    private double mlpGflop, attentionGflop, layerGflop;

    @Setup
    public void setUp() {
        backend = BenchBackends.create(threads);
        p = new RoutingProblem(RoutingShape.named(shape), backend).route();
        topkGbytes = p.topkBytes() / 1e9;
        dispatchGbytes = p.dispatchBytes() / 1e9;
        combineGbytes = p.combineBytes() / 1e9;
        mlpGflop = p.groupedMlpFlops() / 1e9;
        attentionGflop = p.attentionFlops() / 1e9;
        layerGflop = p.forwardBackwardFlops() / 1e9;
    }

    @TearDown
    public void tearDown() throws Exception {
        BenchBackends.close(backend);
    }

    @Benchmark
    public int[] topk(Work.Bytes work) {
        RoutedLayer.topk(p);
        backend.synchronize();
        work.gbyte += topkGbytes;
        return p.indices;
    }

    @Benchmark
    public Storage dispatch(Work.Bytes work) {
        RoutedLayer.dispatch(p);
        backend.synchronize();
        work.gbyte += dispatchGbytes;
        return p.xd;
    }

    @Benchmark
    public Storage groupedMlp(Work.Flops work) {
        RoutedLayer.groupedMlpForward(p);
        backend.synchronize();
        work.gflop += mlpGflop;
        return p.y;
    }

    @Benchmark
    public Storage combine(Work.Bytes work) {
        RoutedLayer.combine(p);
        backend.synchronize();
        work.gbyte += combineGbytes;
        return p.out;
    }

    @Benchmark
    public Storage routedAttention(Work.Flops work) {
        RoutedLayer.routedAttention(p);
        backend.synchronize();
        work.gflop += attentionGflop;
        return p.attnOut;
    }

    @Benchmark
    public Storage layerFwdBwd(Work.Flops work) {
        RoutedLayer.forward(p);
        RoutedLayer.backward(p);
        backend.synchronize();
        work.gflop += layerGflop;
        return p.dx;
    }
}
