package org.jdna.dna.train;

import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.memory.MemoryStats;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * What training a configuration holds in memory at a batch size, measured rather than modelled:
 * the parameters and AdamW's two moments (4 bytes per value each), plus the peak a training step
 * (forward, cross-entropy, backward) takes from the backend's pool inside its memory scope, which
 * covers the activations the tape keeps, the gradients and the pool's rounding to size classes.
 * The step is run on seeded random input at batch sizes 1 and 2 and its peak extrapolated linearly
 * to B (activations grow with the batch, gradients do not); routing on real data differs, and the
 * pool's cache comes on top of the peak, so this is an estimate. Each measurement starts from an
 * empty cache (the backend's cached blocks are freed first), so that every block is of its request's
 * own size class, whatever ran before. With train.microBatches = M > 1 a step runs B in M shards one after
 * another: its activations are those of ceil(B / M) rows, and the gradients summed over the shards take
 * one more copy of the parameters.
 *
 * @param batch          B
 * @param parameterBytes the model's parameters
 * @param optimizerBytes AdamW's first and second moments
 * @param stepBytes      the peak in use of one training step at batch B (its largest shard, plus the summed
 *                       gradients when there are several)
 * @param shardRows      the rows of a shard, ceil(B / M): what the activations were scaled to
 */
public record MemoryEstimate(int batch, long parameterBytes, long optimizerBytes, long stepBytes, int shardRows) {

    /** Parameters, optimizer state and a step's peak. */
    public long totalBytes() {
        return parameterBytes + optimizerBytes + stepBytes;
    }

    /** Measures {@code config}'s model on {@code backend} (which must be current) at batch {@code batch}. */
    public static MemoryEstimate measure(RunConfig config, int batch, Backend backend) {
        if (batch < 1) {
            throw new IllegalArgumentException("memory estimate: batch must be >= 1, got " + batch);
        }
        DnaModel model = new DnaModel(config.model(), config.train().seed());
        model.train();
        long parameters = (long) Float.BYTES * model.numParameters();
        Rng rng = new Rng(config.train().seed()).fork("memory-estimate");
        int microBatches = Math.min(batch, Math.max(1, config.train().microBatches()));
        int rows = (batch + microBatches - 1) / microBatches;
        long step;
        if (rows <= 2) {
            step = stepPeak(model, rows, rng, backend);
        } else {
            long one = stepPeak(model, 1, rng, backend);
            long two = stepPeak(model, 2, rng, backend);
            step = one + (rows - 1) * Math.max(0, two - one);
        }
        long summedGradients = microBatches > 1 ? parameters : 0;
        return new MemoryEstimate(batch, parameters, 2 * parameters, step + summedGradients, rows);
    }

    /** A step's peak measured at {@code batch} itself, with no extrapolation (to check the estimate). */
    static long measureStep(RunConfig config, int batch, Backend backend) {
        DnaModel model = new DnaModel(config.model(), config.train().seed());
        model.train();
        return stepPeak(model, batch, new Rng(config.train().seed()).fork("memory-estimate"), backend);
    }

    // The most in use at once during forward, loss and backward of one random batch, above what was in use before.
    @SuppressWarnings("try") // the scope is only closed
    private static long stepPeak(DnaModel model, int batch, Rng rng, Backend backend) {
        backend.releaseCachedMemory();
        long before = backend.memoryStats().bytesInUse();
        backend.resetMemoryPeak();
        try (MemoryScope scope = MemoryScope.open()) {
            ModelConfig c = model.config();
            ModelOutput out;
            int[] targets;
            if (c.task() == Task.VISION) {
                var v = c.vision();
                float[] pixels = new float[batch * v.channels() * v.imageSize() * v.imageSize()];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) rng.nextDouble();
                }
                out = model.forwardImages(pixels, batch);
                targets = randomInts(batch, v.classes(), rng);
            } else {
                int[] tokens = randomInts(batch * c.context(), c.vocabSize(), rng);
                out = model.forwardTokens(tokens, batch);
                targets = randomInts(batch * c.context(), c.vocabSize(), rng);
            }
            Tensor loss = Losses.crossEntropy(out.logits(), targets, Objective.UNSCORED);
            if (out.auxLoss() != null) {
                loss = loss.add(out.auxLoss());
            }
            loss.backward();
            model.zeroGrad();
        }
        MemoryStats after = backend.memoryStats();
        return Math.max(0, after.peakBytesInUse() - before);
    }

    private static int[] randomInts(int n, int bound, Rng rng) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextInt(bound);
        }
        return v;
    }
}
