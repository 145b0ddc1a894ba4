package org.jdna.dna.config;

/** Everything a run needs: the model, how it is trained and on what data. Saved beside every checkpoint. */
public record RunConfig(ModelConfig model, TrainConfig train, DataConfig data) {
    public RunConfig withModel(ModelConfig m) { return new RunConfig(m, train, data); }

    public RunConfig withTrain(TrainConfig t) { return new RunConfig(model, t, data); }

    public RunConfig withData(DataConfig d) { return new RunConfig(model, train, d); }
}
