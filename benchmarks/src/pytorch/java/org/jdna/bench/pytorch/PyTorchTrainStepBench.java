package org.jdna.bench.pytorch;

import org.jdna.bench.Work;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * TrainStepBench's step in PyTorch 2.7.1 through DJL ({@link DjlTrainStep}): the DNA model or the
 * dense baseline at D = 128, 4 heads, N_b = 1, S = 6, E = 8 + 2, K = 2, T = 128, B = 16. Reports
 * steps/s and the aux counters {@code tokens} (tokens/s) and {@code gflop} (model GFLOP/s: 3 x the
 * forward FLOPs counted from the routes that ran, as the Python peer counts them).
 */
@State(Scope.Benchmark)
public class PyTorchTrainStepBench extends PyTorchBenchmark {

    @Param({"dna", "dense"})
    public String model;

    @Param({"1", "2"})
    public int threads;

    private DjlTrainStep step;

    @Setup
    public void setUp() {
        step = new DjlTrainStep(model, Gelu.ERF, Torch.engine(threads), 1);
    }

    @TearDown
    public void tearDown() {
        step.close();
    }

    @Benchmark
    public float trainStep(Work.Training work) {
        float loss = step.run(); // reads the loss back: the step has finished
        work.tokens += step.tokens();
        work.gflop += 3 * step.lastForwardFlops() / 1e9;
        return loss;
    }
}
