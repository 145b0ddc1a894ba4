package org.jdna.bench;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Training throughput (issue 4, acceptance 4): one full step of {@link TrainStep} (forward,
 * cross-entropy, backward, clipping, AdamW, identity-bias controller) of the DNA (preset dna-top2)
 * or the dense baseline (preset dense) at D = 128, 4 heads, N_b = 1, S = 6, T = 128, B = 16.
 * Reports steps/s, and the aux counters {@code tokens} (tokens/s) and {@code gflop} (model GFLOP/s:
 * the forward FLOPs counted by {@code DnaModel.account} from the routes that ran, times 3 for
 * forward + backward). The PyTorch side is {@code peers/pytorch_dna_step.py}.
 */
@State(Scope.Benchmark)
public class TrainStepBench extends JdnaBenchmark {

    @Param({"dna", "dense"})
    public String model;

    @Param({"1", "2"})
    public int threads;

    private Backend backend;
    private TrainStep step;

    @Setup
    public void setUp() {
        backend = BenchBackends.create(threads);
        Backends.use(backend);
        step = new TrainStep(model, 1);
    }

    @TearDown
    public void tearDown() throws Exception {
        BenchBackends.close(backend);
    }

    @Benchmark
    public float trainStep(Work.Training work) {
        float loss = step.run(); // reads the loss back: the step has finished on the backend
        work.tokens += step.tokens();
        work.gflop += 3 * step.lastForwardFlops() / 1e9;
        return loss;
    }
}
