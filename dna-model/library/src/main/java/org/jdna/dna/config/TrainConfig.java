package org.jdna.dna.config;

/**
 * How a model is trained: AdamW with linear warmup then cosine decay to minLr, gradient clipping,
 * periodic evaluation on the held-out split and periodic checkpoints.
 *
 * @param steps           optimizer steps
 * @param batchSize       B, sequences (or images) per step
 * @param lr              peak learning rate
 * @param minLr           learning rate at the end of the cosine decay
 * @param warmupSteps     linear warmup from 0 to lr
 * @param weightDecay     decoupled AdamW weight decay
 * @param beta1           AdamW first-moment decay
 * @param beta2           AdamW second-moment decay
 * @param adamEps         AdamW epsilon
 * @param gradClip        global gradient-norm clip (0 = off)
 * @param evalEvery       evaluate every n steps (0 = only at the end)
 * @param evalBatches     batches per evaluation
 * @param seed            seed of every random stream (init, data order, dropout, router noise)
 * @param checkpointEvery write a checkpoint every n steps (0 = only at the end)
 * @param logEvery        print progress and log metrics every n steps
 * @param outDir          run folder: checkpoints, metrics.jsonl, config
 * @param backend         compute backend: auto, reference, simd or cuda
 * @param device          device index for GPU backends
 * @param threads         CPU threads (0 = all available cores)
 */
public record TrainConfig(
        int steps,
        int batchSize,
        double lr,
        double minLr,
        int warmupSteps,
        double weightDecay,
        double beta1,
        double beta2,
        double adamEps,
        double gradClip,
        int evalEvery,
        int evalBatches,
        long seed,
        int checkpointEvery,
        int logEvery,
        String outDir,
        String backend,
        int device,
        int threads) {

    public TrainConfig withOutDir(String dir) {
        return new TrainConfig(steps, batchSize, lr, minLr, warmupSteps, weightDecay, beta1, beta2, adamEps,
                gradClip, evalEvery, evalBatches, seed, checkpointEvery, logEvery, dir, backend, device, threads);
    }
}
