package org.jdna.dna.train;

import java.io.PrintWriter;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.tensor.Tensor;

/**
 * What a kind of run adds to plain training (e.g. distillation from a teacher, in the application's
 * org.jdna.dna.radial):
 * a change to the freshly built model before the first step, and a loss term added to the
 * cross-entropy (logged with the aux loss).
 */
public interface TrainExtension {
    TrainExtension NONE = new TrainExtension() { };

    /** Called once on a fresh run, after the model is built and before the optimizer sees it. */
    default void initialise(DnaModel model) { }

    /** After backward, before clipping and the update: e.g. drop the gradients of frozen parameters. */
    default void afterBackward(DnaModel model) { }

    /** A scalar added to the loss of this batch, or null for none. */
    default Tensor extraLoss(ModelOutput out, TrainBatch batch) { return null; }

    /** Builds the extension a run's config asks for; handed to the trainer in {@link TrainOptions}. */
    @FunctionalInterface
    interface Factory {
        TrainExtension open(RunConfig config, PrintWriter err);

        /** Plain training: a config that asks for distillation is refused, naming what is missing. */
        Factory PLAIN = (config, err) -> {
            if (config.distil().active()) {
                throw new ConfigException("distil.teacher is set, but this trainer was given no distillation"
                        + " extension: run it with ./jdna train, or pass Distillation.FACTORY in TrainOptions");
            }
            return NONE;
        };
    }
}
