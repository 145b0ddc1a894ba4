package org.jdna.dna.config;

/**
 * How a model is trained: AdamW with linear warmup then cosine decay to minLr, gradient clipping,
 * periodic evaluation on the held-out split and periodic checkpoints. The fields are declared once in
 * the table below (defaults: the {@value Presets#DEFAULT} preset).
 */
public record TrainConfig(
        int steps,
        int batchSize,
        int microBatches,
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

    private static final ConfigSection.Builder<TrainConfig> F = ConfigSection.builder(TrainConfig.class);
    private static final int MAX = Integer.MAX_VALUE;

    public static final ConfigField<TrainConfig, Integer> STEPS = F.field("steps", 600,
            "optimizer steps").range(1, MAX);
    public static final ConfigField<TrainConfig, Integer> BATCH_SIZE = F.field("batchSize", 16,
            "B, sequences (or images) per step").range(1, 1 << 20);
    public static final ConfigField<TrainConfig, Integer> MICRO_BATCHES = F.field("microBatches", 1,
            "M, shards of B/M rows each step runs one after another, gradients accumulated in shard order"
                    + " (M divides B)").range(1, "batchSize", TrainConfig::batchSize).optional();
    public static final ConfigField<TrainConfig, Double> LR = F.field("lr", 2e-3,
            "peak learning rate").range(1e-9, 10);
    public static final ConfigField<TrainConfig, Double> MIN_LR = F.field("minLr", 2e-4,
            "learning rate at the end of the cosine decay, at most lr").range(0, "lr", TrainConfig::lr)
            .when(t -> t.lr() > 0, "lr > 0");
    public static final ConfigField<TrainConfig, Integer> WARMUP_STEPS = F.field("warmupSteps", 50,
            "linear warmup from 0 to lr").range(0, MAX);
    public static final ConfigField<TrainConfig, Double> WEIGHT_DECAY = F.field("weightDecay", 0.1,
            "decoupled AdamW weight decay").range(0, 10);
    public static final ConfigField<TrainConfig, Double> BETA1 = F.field("beta1", 0.9,
            "AdamW first-moment decay").below(0, 1);
    public static final ConfigField<TrainConfig, Double> BETA2 = F.field("beta2", 0.95,
            "AdamW second-moment decay").below(0, 1);
    public static final ConfigField<TrainConfig, Double> ADAM_EPS = F.field("adamEps", 1e-8,
            "AdamW epsilon").range(1e-30, 1);
    public static final ConfigField<TrainConfig, Double> GRAD_CLIP = F.field("gradClip", 1.0,
            "global gradient-norm clip (0 = off)").atLeast(0);
    public static final ConfigField<TrainConfig, Integer> EVAL_EVERY = F.field("evalEvery", 100,
            "evaluate the fast held-out sample every n steps (0 = only at the end; the end also scores the whole"
                    + " held-out split)").range(0, MAX);
    public static final ConfigField<TrainConfig, Integer> EVAL_BATCHES = F.field("evalBatches", 16,
            "batches of the fast held-out sample (random windows of the validation text, or its first images)")
            .range(1, 1 << 20);
    public static final ConfigField<TrainConfig, Long> SEED = F.field("seed", 1L,
            "seed of every random stream (init, data order, dropout, router noise)");
    public static final ConfigField<TrainConfig, Integer> CHECKPOINT_EVERY = F.field("checkpointEvery", 200,
            "write a checkpoint every n steps (0 = only at the end)").range(0, MAX);
    public static final ConfigField<TrainConfig, Integer> LOG_EVERY = F.field("logEvery", 10,
            "print progress and log metrics every n steps").range(1, MAX);
    public static final ConfigField<TrainConfig, String> OUT_DIR = F.field("outDir", "runs/" + Presets.DEFAULT,
            "run folder: checkpoints, metrics.jsonl, config.json").require(d -> !d.isBlank(), "must name a folder");
    public static final ConfigField<TrainConfig, String> BACKEND = F.field("backend", "auto",
            "compute backend").oneOf("auto", "reference", "simd", "cuda");
    public static final ConfigField<TrainConfig, Integer> DEVICE = F.field("device", 0,
            "device index for GPU backends").range(0, 64);
    public static final ConfigField<TrainConfig, Integer> THREADS = F.field("threads", 0,
            "CPU threads (0 = all available cores)").range(0, 4096);

    public static final ConfigSection<TrainConfig> FIELDS = F.build();

    public <T> TrainConfig with(ConfigField<TrainConfig, T> field, T value) { return FIELDS.with(this, field, value); }

    public TrainConfig withOutDir(String dir) { return with(OUT_DIR, dir); }
}
