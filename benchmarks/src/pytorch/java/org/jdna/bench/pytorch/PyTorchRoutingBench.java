package org.jdna.bench.pytorch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.jdna.bench.RoutingShape;
import org.jdna.bench.Work;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * RoutingBench's kernels in PyTorch 2.7.1 through DJL ({@link DjlRouting}), at the same shapes,
 * thread counts, data and work formulas, so the table puts them beside jdna's and the Python
 * peer's. Each call runs in its own {@link CallScope} (what it makes is freed on return) and returns
 * its output, freed: the native calls cannot be eliminated.
 */
@State(Scope.Benchmark)
public class PyTorchRoutingBench extends PyTorchBenchmark {

    @Param({"d256", "d512"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private Engine engine;
    private NDManager manager;
    private DjlRouting r;
    private double topkGbytes, dispatchGbytes, combineGbytes;
    private double mlpGflop, attentionGflop, layerGflop;

    @Setup
    public void setUp() {
        engine = Torch.engine(threads);
        manager = engine.newBaseManager();
        r = new DjlRouting(RoutingShape.named(shape), Gelu.ERF, manager).route();
        r.trainable();
        topkGbytes = r.topkBytes() / 1e9;
        dispatchGbytes = r.dispatchBytes() / 1e9;
        combineGbytes = r.combineBytes() / 1e9;
        mlpGflop = r.groupedMlpFlops() / 1e9;
        attentionGflop = r.attentionFlops() / 1e9;
        layerGflop = r.forwardBackwardFlops() / 1e9;
    }

    @TearDown
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public NDList topk(Work.Bytes work) {
        try (CallScope call = new CallScope(manager, r.inputs())) {
            work.gbyte += topkGbytes;
            return r.topk(r.logits);
        }
    }

    /** The plan (sort, tokens, inverse, counts) and the row gather xd (N*K, D). */
    @Benchmark
    public NDArray dispatch(Work.Bytes work) {
        try (CallScope call = new CallScope(manager, r.inputs())) {
            work.gbyte += dispatchGbytes;
            return DjlRouting.gatherRows(r.x, r.dispatch(r.indices).tokens());
        }
    }

    @Benchmark
    public NDArray groupedMlp(Work.Flops work) {
        try (CallScope call = new CallScope(manager, r.inputs())) {
            work.gflop += mlpGflop;
            return r.groupedMlp(r.xd, r.plan.counts(), r.w1, r.w2);
        }
    }

    @Benchmark
    public NDArray combine(Work.Bytes work) {
        try (CallScope call = new CallScope(manager, r.inputs())) {
            work.gbyte += combineGbytes;
            return r.combine(r.y, r.weights, r.plan);
        }
    }

    @Benchmark
    public NDArray routedAttention(Work.Flops work) {
        try (CallScope call = new CallScope(manager, r.inputs())) {
            work.gflop += attentionGflop;
            return r.routedAttention(r.plan);
        }
    }

    @Benchmark
    public NDArray layerFwdBwd(Work.Flops work) {
        try (CallScope call = new CallScope(manager, r.inputs())) {
            work.gflop += layerGflop;
            return r.layerFwdBwd(engine);
        }
    }
}
