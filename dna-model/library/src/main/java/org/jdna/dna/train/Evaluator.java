package org.jdna.dna.train;

import java.util.List;

import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.memory.MemoryScope;

/**
 * Held-out loss and accuracy: the model in eval mode (no dropout, no router noise), no gradient
 * recorded, over a fixed list of batches: the run's fast sample ({@link TaskData#evalBatches()}) or a
 * whole split ({@link TaskData#heldOutBatches()}). The loss is the mean over all scored targets, each
 * counted once, whatever the batch sizes. The model's mode is restored afterwards.
 */
public final class Evaluator {
    private Evaluator() {}

    @SuppressWarnings("try") // the scopes are only closed
    public static EvalResult evaluate(DnaModel model, List<TrainBatch> batches) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("Evaluator: no evaluation batches (train.evalBatches must be >= 1"
                    + " and the validation split non-empty)");
        }
        boolean wasTraining = model.isTraining();
        model.eval();
        double lossSum = 0;
        long targets = 0;
        long correct = 0;
        try (var noGrad = GradMode.disabled()) {
            for (TrainBatch b : batches) {
                try (MemoryScope scope = MemoryScope.open()) {     // each batch's tensors back to the pool
                    ModelOutput out = b.forward(model);
                    int n = Objective.scored(b.targets());
                    lossSum += Objective.crossEntropy(out, b).item() * (double) n;
                    correct += Objective.correct(out.logits(), b.targets());
                    targets += n;
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new EvalResult(lossSum / targets, correct / (double) targets, targets);
    }
}
