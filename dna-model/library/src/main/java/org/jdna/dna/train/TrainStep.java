package org.jdna.dna.train;

import java.util.List;

import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.optim.GradClip;
import org.jdna.engine.optim.LrSchedule;
import org.jdna.engine.optim.Optimizer;
import org.jdna.engine.tensor.Tensor;

/**
 * One optimizer step: forward, cross-entropy (+ the aux loss when the model returns one, + the extension's
 * term, e.g. distillation's KL; both reported as aux), backward,
 * global-norm clipping, AdamW at the scheduled rate, then the identity-bias controller's update from
 * the batch's routing. The guard sees the loss before backward and the gradient norm before the
 * update, so a diverged step never touches the weights. The step runs in a {@link MemoryScope}: its
 * intermediates and gradients go back to the backend's pool when it ends (what it returns is host data).
 */
final class TrainStep {
    private final DnaModel model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final double gradClip;
    private final DivergenceGuard guard;
    private final List<Tensor> parameters;
    private final TrainExtension extension;

    TrainStep(DnaModel model, Optimizer optimizer, LrSchedule schedule, double gradClip, DivergenceGuard guard,
              TrainExtension extension) {
        this.extension = extension;
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.gradClip = gradClip;
        this.guard = guard;
        this.parameters = model.parameters();
    }

    /** Runs step {@code step} (1-based) on {@code batch}. */
    @SuppressWarnings("try") // the scope is only closed
    StepResult run(long step, TrainBatch batch) {
        try (MemoryScope scope = MemoryScope.open()) {
            return runWithoutScope(step, batch);
        }
    }

    /** The same step with its memory left to the garbage collector (tests compare the two to the bit). */
    StepResult runWithoutScope(long step, TrainBatch batch) {
        long start = System.nanoTime();
        model.train();
        double lr = schedule.apply(optimizer, step - 1);
        ModelOutput out;
        double loss;
        double aux;
        try {
            out = batch.forward(model);
            Tensor ce = Objective.crossEntropy(out, batch);
            Tensor extra = extension.extraLoss(out, batch);
            Tensor auxTotal = out.auxLoss() == null ? extra : extra == null ? out.auxLoss() : out.auxLoss().add(extra);
            Tensor total = auxTotal == null ? ce : ce.add(auxTotal);
            loss = ce.item();
            aux = auxTotal == null ? 0 : auxTotal.item();
            guard.checkLoss(step, loss + aux, lr);
            total.backward();
            extension.afterBackward(model);
        } catch (ArithmeticException e) {
            throw guard.nonFiniteValues(step, e, lr);
        }
        double norm = gradClip > 0 ? GradClip.clipGlobalNorm(parameters, gradClip) : GradClip.globalNorm(parameters);
        guard.checkGradNorm(step, norm, loss + aux, lr);
        optimizer.step();
        model.afterOptimizerStep(out.trace());
        optimizer.zeroGrad();
        parameters.getFirst().backend().synchronize(); // GPU backends queue work: time what ran
        return new StepResult(step, loss, aux, lr, norm, out.trace(), batch.tokens(), System.nanoTime() - start);
    }
}
