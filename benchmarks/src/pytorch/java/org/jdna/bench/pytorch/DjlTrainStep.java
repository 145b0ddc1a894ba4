package org.jdna.bench.pytorch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One training step of {@link DjlDnaModel} in PyTorch 2.7.1 through DJL, the step of
 * {@code peers/pytorch_dna_step.py}: forward, mean cross-entropy (DJL's softmaxCrossEntropyLoss),
 * backward (GradientCollector), global-norm clip at 1.0 (spelled out: DJL's optimizers only clip
 * values), DJL's AdamW (lr 3e-4, betas 0.9 / 0.95, eps 1e-8, weight decay 0.1; it also zeroes the
 * gradients, the peer's zero_grad) and, for DNA, the identity-bias controller. One fixed batch of
 * random bytes (throughput only, like the peer). {@link #main} runs steps outside JMH.
 *
 * <p>Memory: the forward and backward run in a {@link CallScope} holding every activation; the
 * update runs in a second one, after the parameters are back on the model's manager, so that
 * AdamW's moment buffers (made on a parameter's manager at its first update) outlive the step.
 */
final class DjlTrainStep {
    /** clip_grad_norm_'s epsilon. */
    private static final double CLIP_EPS = 1e-6;

    final DjlDnaModel model;
    private final Engine engine;
    private final NDManager manager;
    private final Optimizer optimizer;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();
    private NDArray inputs, targets; // (B, T) int64; targets are the inputs shifted by one
    private double lastForwardFlops;
    private double lastGradNorm;
    /** After {@link #run} with {@code keepGradients}: the unclipped gradients, name -> floats. */
    final Map<String, float[]> gradients = new LinkedHashMap<>();
    /** After {@link #run} with {@code keepGradients}: logits (B*T, V) of the step. */
    float[] logits;
    /** After {@link #run} with {@code keepGradients}: the weights after the update, name -> floats. */
    final Map<String, float[]> afterFirstUpdate = new LinkedHashMap<>();

    DjlTrainStep(String model, Gelu gelu, Engine engine, long seed) {
        this.engine = engine;
        this.manager = engine.newBaseManager();
        DjlDnaModel.Config c = DjlDnaModel.Config.acceptance();
        this.model = new DjlDnaModel(c, switch (model) {
            case "dna" -> true;
            case "dense" -> false;
            default -> throw new IllegalArgumentException("DjlTrainStep: model must be dna or dense, got '" + model + "'");
        }, gelu, manager, seed);
        this.optimizer = Optimizer.adamW()
                .optLearningRateTracker(Tracker.fixed(3e-4f))
                .optBeta1(0.9f).optBeta2(0.95f).optEpsilon(1e-8f)
                .optWeightDecays(0.1f)
                .build();
        NDArray data = manager.randomInteger(0, DjlDnaModel.VOCAB, new Shape(c.batch(), c.seq() + 1), DataType.INT64);
        batch(data);
    }

    /** Uses data (B, T + 1): inputs = data[:, :-1], targets = data[:, 1:]. */
    void batch(NDArray data) {
        long t = data.getShape().get(1) - 1;
        inputs = data.get(":, 0:{}", t).duplicate();
        targets = data.get(":, 1:{}", t + 1).duplicate();
    }

    /** One step; returns the loss (before the update). */
    float run() {
        return run(false);
    }

    float run(boolean keepGradients) {
        float value;
        List<NDArray> attached = new ArrayList<>(model.arrays());
        attached.addAll(List.of(inputs, targets));
        try (CallScope step = new CallScope(manager, attached);
             GradientCollector collector = engine.newGradientCollector()) {
            NDArray out = model.forward(inputs);
            NDArray l = loss.evaluate(new NDList(targets.reshape(-1)), new NDList(out));
            collector.backward(l);
            value = l.getFloat();
            if (keepGradients) {
                logits = out.toFloatArray();
            }
        }
        try (NDManager update = manager.newSubManager()) {
            NDList grads = new NDList();
            NDList norms = new NDList();
            for (NDArray p : model.params.values()) {
                NDArray g = p.getGradient();
                g.attach(update);
                grads.add(g);
                norms.add(g.norm());
                if (keepGradients) {
                    gradients.put(p.getName(), g.toFloatArray());
                }
            }
            // clip_grad_norm_(parameters, 1.0): one scale for all, min(1, 1 / (norm + 1e-6))
            lastGradNorm = NDArrays.stack(norms).norm().getFloat();
            float scale = (float) Math.min(1.0, 1.0 / (lastGradNorm + CLIP_EPS));
            int i = 0;
            for (Map.Entry<String, NDArray> p : model.params.entrySet()) {
                NDArray g = grads.get(i++);
                g.muli(scale);
                optimizer.update(p.getKey(), p.getValue(), g);
                if (keepGradients) {
                    afterFirstUpdate.put(p.getKey(), p.getValue().toFloatArray());
                }
            }
        }
        if (model.dna) {
            model.updateBias();
        }
        lastForwardFlops = model.forwardFlops();
        return value;
    }

    int tokens() {
        return (int) inputs.size();
    }

    double lastForwardFlops() {
        return lastForwardFlops;
    }

    double lastGradNorm() {
        return lastGradNorm;
    }

    void close() {
        manager.close();
    }

    /**
     * {@code DjlTrainStep dna|dense THREADS STEPS}: warms up, then times STEPS steps and prints
     * tokens/s (outside JMH, for profilers).
     */
    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "dna";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Engine engine = Torch.engine(threads);
        DjlTrainStep step = new DjlTrainStep(model, Gelu.ERF, engine, 1);
        try {
            for (int i = 0; i < 2; i++) {
                step.run();
            }
            long start = System.nanoTime();
            double flops = 0;
            float l = 0;
            for (int i = 0; i < steps; i++) {
                l = step.run();
                flops += 3 * step.lastForwardFlops();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s %dt (PyTorch %s via DJL): %.1f tokens/s, %.1f ms/step, %.2f model GFLOP/s, loss %.4f%n",
                    model, threads, engine.getVersion(), (double) step.tokens() * steps / seconds, 1000 * seconds / steps,
                    flops / seconds / 1e9, l);
        } finally {
            step.close();
        }
    }
}
