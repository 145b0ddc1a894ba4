package org.jdna.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.Presets;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.optim.GradClip;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * One full training step of a language preset at issue 4's acceptance shape (D = 128, 4 heads,
 * N_b = 1, S = 6, T = 128, B = 16): forward, mean cross-entropy, backward, global-norm clip at 1.0,
 * AdamW (lr 3e-4, betas 0.9 / 0.95, weight decay 0.1) and the identity-bias controller's update:
 * the same step as {@code peers/pytorch_dna_step.py}, on one fixed batch of random bytes
 * (throughput only, like the peer).
 *
 * <p>The trainer is not used on purpose: this measures the engine and the model, nothing around
 * them. {@link #main} runs a number of steps outside JMH (for profilers such as JFR).
 *
 * <p>Legend: B batch, T sequence length, N = B*T tokens, V vocabulary.
 */
public final class TrainStep {
    /** The model of the benchmark: a preset name of {@link Presets} ("dna-top2", "dense"). */
    public static String preset(String model) {
        return switch (model) {
            case "dna" -> "dna-top2";
            case "dense" -> "dense";
            default -> throw new IllegalArgumentException("TrainStep: model must be dna or dense, got '" + model + "'");
        };
    }

    private final DnaModel model;
    private final AdamW optimizer;
    private final List<Tensor> parameters;
    private final int batch;
    private final int[] inputs;   // (B, T)
    private final int[] targets;  // (B, T): the inputs shifted by one
    private double lastForwardFlops;

    /** Builds the model on the current backend. */
    public TrainStep(String model, long seed) {
        ModelConfig config = Presets.get(preset(model)).model();
        this.model = new DnaModel(config, seed);
        this.model.train();
        this.optimizer = new AdamW(this.model, new AdamW.Options(3e-4, 0.9, 0.95, 1e-8, 0.1));
        this.parameters = this.model.parameters();
        this.batch = 16;
        int seqLen = config.context();
        Rng rng = new Rng(seed + 1);
        inputs = new int[batch * seqLen];
        targets = new int[batch * seqLen];
        for (int b = 0; b < batch; b++) {
            int previous = (int) (rng.nextDouble() * config.vocabSize());
            for (int t = 0; t < seqLen; t++) {
                int next = (int) (rng.nextDouble() * config.vocabSize());
                inputs[b * seqLen + t] = previous;
                targets[b * seqLen + t] = next;
                previous = next;
            }
        }
    }

    /**
     * One training step inside a memory scope (its intermediates go back to the backend's pool at
     * the end, as in the trainer); returns the loss (before the update).
     */
    public float run() {
        try (MemoryScope step = MemoryScope.open()) {
            ModelOutput out = model.forwardTokens(inputs, batch);
            Tensor loss = Losses.crossEntropy(out.logits(), targets, -1);
            if (out.auxLoss() != null) {
                loss = loss.add(out.auxLoss());
            }
            model.zeroGrad();
            loss.backward();
            GradClip.clipGlobalNorm(parameters, 1.0);
            optimizer.step();
            model.afterOptimizerStep(out.trace());
            lastForwardFlops = model.account(out.trace()).forwardFlopsPerToken() * tokens();
            return loss.item();
        }
    }

    /** N = B*T tokens per step. */
    public int tokens() { return inputs.length; }

    /** Forward FLOPs of the last step, counted from what ran ({@link DnaModel#account}). */
    public double lastForwardFlops() { return lastForwardFlops; }

    /**
     * {@code TrainStep dna|dense THREADS STEPS}: warms up, then times STEPS steps and prints tokens/s,
     * the bytes the JVM allocated per step (all threads) and the backend's pool (for profiling outside
     * JMH, e.g. with {@code -XX:StartFlightRecording}).
     */
    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "dna";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Backend backend = BenchBackends.create(threads);
        Backends.use(backend);
        try {
            TrainStep step = new TrainStep(model, 1);
            for (int i = 0; i < 3; i++) {
                step.run();
            }
            var threadBean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long allocatedBefore = threadBean.getTotalThreadAllocatedBytes();
            long start = System.nanoTime();
            double flops = 0;
            float loss = 0;
            for (int i = 0; i < steps; i++) {
                loss = step.run();
                flops += 3 * step.lastForwardFlops();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long allocated = threadBean.getTotalThreadAllocatedBytes() - allocatedBefore;
            System.out.printf(Locale.ROOT, "%s %dt (%s): %.1f tokens/s, %.1f ms/step, %.2f model GFLOP/s, loss %.4f,"
                            + " %.2f MB allocated per step; pool %s%n",
                    model, threads, backend.description(), (double) step.tokens() * steps / seconds,
                    1000 * seconds / steps, flops / seconds / 1e9, loss, allocated / 1e6 / steps, backend.memoryStats());
        } finally {
            BenchBackends.close(backend);
        }
    }
}
