package org.jdna.dna.config;

/**
 * Everything a run needs: the model, how it is trained and on what data, and optionally a teacher to
 * distil from. Saved beside every checkpoint; a saved config without {@code distil} loads with none.
 */
public record RunConfig(ModelConfig model, TrainConfig train, DataConfig data, DistilConfig distil) {
    private static final ConfigSection.Builder<RunConfig> F = ConfigSection.builder(RunConfig.class);

    public static final ConfigField<RunConfig, ModelConfig> MODEL = F.field("model", ModelConfig.FIELDS.defaults(),
            "the architecture");
    public static final ConfigField<RunConfig, TrainConfig> TRAIN = F.field("train", TrainConfig.FIELDS.defaults(),
            "optimizer, schedule, evaluation, checkpoints");
    public static final ConfigField<RunConfig, DataConfig> DATA = F.field("data", DataConfig.FIELDS.defaults(),
            "the data set");
    public static final ConfigField<RunConfig, DistilConfig> DISTIL = F.field("distil", DistilConfig.NONE,
            "a teacher to distil from").optional();

    /** The sections of a run; its defaults are the {@value Presets#DEFAULT} preset. */
    public static final ConfigSection<RunConfig> FIELDS = F.build();

    public RunConfig {
        distil = distil == null ? DistilConfig.NONE : distil;
    }

    public RunConfig(ModelConfig model, TrainConfig train, DataConfig data) {
        this(model, train, data, DistilConfig.NONE);
    }

    public RunConfig withModel(ModelConfig m) { return new RunConfig(m, train, data, distil); }

    public RunConfig withTrain(TrainConfig t) { return new RunConfig(model, t, data, distil); }

    public RunConfig withData(DataConfig d) { return new RunConfig(model, train, d, distil); }

    public RunConfig withDistil(DistilConfig d) { return new RunConfig(model, train, data, d); }
}
