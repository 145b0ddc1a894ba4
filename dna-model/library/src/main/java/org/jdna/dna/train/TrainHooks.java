package org.jdna.dna.train;

import org.jdna.dna.model.DnaModel;

/** Points where tests (and experiments) can act on a running training loop. */
@FunctionalInterface
public interface TrainHooks {
    TrainHooks NONE = (step, model) -> { };

    /** Called before step {@code step} (1-based) runs; throwing stops the run there, as a crash would. */
    void beforeStep(long step, DnaModel model);
}
