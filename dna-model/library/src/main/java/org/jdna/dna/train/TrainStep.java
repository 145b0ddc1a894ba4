package org.jdna.dna.train;

import java.util.ArrayList;
import java.util.List;

import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.dna.model.RoutingTrace;
import org.jdna.dna.model.StepRoutes;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.optim.GradClip;
import org.jdna.engine.optim.LrSchedule;
import org.jdna.engine.optim.Optimizer;
import org.jdna.engine.tensor.Tensor;

/**
 * One optimizer step: forward, cross-entropy (+ the aux loss when the model returns one, + the extension's
 * term, e.g. distillation's KL; both reported as aux), backward,
 * global-norm clipping, AdamW at the scheduled rate, then the identity-bias controller's update from
 * the batch's routing. With train.microBatches = M > 1 the batch runs as M shards of B/M rows, one after
 * another: each shard's forward and backward, its gradients summed in shard order ({@link GradientAccumulator}),
 * then one clip, one update and one controller update from the routes of all shards. With M = 1 the step is
 * exactly the single pass it always was. With a {@link WorkerGroup} of N = M workers each worker runs only its own
 * shard and the workers exchange what the other shards would have given (their losses and routes, then their
 * gradients summed in shard order): every worker ends the step with the bits of the M-shard step. The guard sees the loss before backward and the gradient norm before the
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
    private final int microBatches;
    private final GradientAccumulator gradients;
    private final WorkerGroup workers;

    TrainStep(DnaModel model, Optimizer optimizer, LrSchedule schedule, double gradClip, DivergenceGuard guard,
              TrainExtension extension, int microBatches) {
        this(model, optimizer, schedule, gradClip, guard, extension, microBatches, WorkerGroup.SINGLE);
    }

    /** A step whose M = microBatches shards run on the N = M {@code workers}, one each (N = 1: all here). */
    TrainStep(DnaModel model, Optimizer optimizer, LrSchedule schedule, double gradClip, DivergenceGuard guard,
              TrainExtension extension, int microBatches, WorkerGroup workers) {
        if (workers.size() > 1 && workers.size() != microBatches) {
            throw new IllegalArgumentException("TrainStep: " + workers.size() + " workers run one shard each of a"
                    + " step of train.microBatches = " + microBatches + " shards; the two must be equal");
        }
        this.workers = workers;
        this.microBatches = microBatches;
        this.extension = extension;
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.gradClip = gradClip;
        this.guard = guard;
        this.parameters = model.parameters();
        this.gradients = new GradientAccumulator(parameters);
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
        if (workers.size() > 1) {
            return runShardOfWorkers(step, batch, lr, start);
        }
        double loss = 0;
        double aux = 0;
        List<RoutingTrace> traces = new ArrayList<>(microBatches);
        try {
            for (int i = 0; i < microBatches; i++) {
                Pass p;
                if (microBatches == 1) {
                    p = forwardBackward(step, batch, lr);
                } else {
                    // Each shard in a scope of its own: its activations go back to the pool before the next
                    // shard runs (the point of micro-batches: a step's peak is one shard's), its gradients having
                    // been taken into the accumulator.
                    try (MemoryScope shard = MemoryScope.open()) {
                        p = forwardBackward(step, batch.shard(i, microBatches), lr);
                        gradients.take();
                    }
                }
                loss += p.loss();
                aux += p.aux();
                traces.add(p.trace());
            }
            if (microBatches > 1) {
                gradients.restore(microBatches);
            }
            extension.afterBackward(model);
        } catch (ArithmeticException e) {
            throw guard.nonFiniteValues(step, e, lr);
        }
        loss /= microBatches;                      // equal shards: the mean over the batch's rows
        aux /= microBatches;
        RoutingTrace trace = microBatches == 1 ? traces.getFirst() : concat(traces);
        return update(step, batch, lr, start, loss, aux, trace);
    }

    /**
     * This worker's shard of the step: its forward pass; every worker's loss, auxiliary loss and routes (each
     * worker checks every shard's loss in shard order, so all stop at the same diverged step); its backward; the
     * gradients summed across the workers in shard order; then the update, the same on every worker.
     */
    private StepResult runShardOfWorkers(long step, TrainBatch batch, double lr, long start) {
        Forward mine = null;
        try {
            mine = forward(batch.shard(workers.rank(), workers.size()));
        } catch (ArithmeticException e) {
            // reported as a NaN loss below: every worker then stops at this step
        }
        List<ShardReport> reports = ShardReport.exchange(workers, mine == null ? new ShardReport(Double.NaN, 0, null)
                : new ShardReport(mine.loss(), mine.aux(), mine.trace()));
        double loss = 0;
        double aux = 0;
        List<RoutingTrace> traces = new ArrayList<>(reports.size());
        for (ShardReport r : reports) {            // shard order, as the shards of one process run
            guard.checkLoss(step, r.loss() + r.aux(), lr);
            loss += r.loss();
            aux += r.aux();
            traces.add(r.trace());
        }
        boolean failed = false;
        try {
            mine.total().backward();
        } catch (ArithmeticException e) {
            failed = true;                         // NaN gradients on every worker: the norm check stops them all
        }
        gradients.reduceAcross(workers, failed);
        try {
            extension.afterBackward(model);
        } catch (ArithmeticException e) {
            throw guard.nonFiniteValues(step, e, lr);
        }
        return update(step, batch, lr, start, loss / microBatches, aux / microBatches, concat(traces));
    }

    // Clipping, the guard, AdamW, the controller from the routes of the whole batch; the step's result.
    private StepResult update(long step, TrainBatch batch, double lr, long start, double loss, double aux,
                              RoutingTrace trace) {
        double norm = gradClip > 0 ? GradClip.clipGlobalNorm(parameters, gradClip) : GradClip.globalNorm(parameters);
        guard.checkGradNorm(step, norm, loss + aux, lr);
        optimizer.step();
        model.afterOptimizerStep(trace);           // the controller counts the routes of the whole batch
        optimizer.zeroGrad();
        parameters.getFirst().backend().synchronize(); // GPU backends queue work: time what ran
        return new StepResult(step, loss, aux, lr, norm, trace, batch.tokens(), System.nanoTime() - start);
    }

    private record Pass(double loss, double aux, RoutingTrace trace) {}

    /** A forward pass: the loss to back-propagate, its cross-entropy and auxiliary parts, the routes. */
    private record Forward(Tensor total, double loss, double aux, RoutingTrace trace) {}

    // Forward, loss and backward of one batch or shard; its gradients add into the parameters' own.
    private Pass forwardBackward(long step, TrainBatch batch, double lr) {
        Forward f = forward(batch);
        guard.checkLoss(step, f.loss() + f.aux(), lr);
        f.total().backward();
        return new Pass(f.loss(), f.aux(), f.trace());
    }

    private Forward forward(TrainBatch batch) {
        ModelOutput out = batch.forward(model);
        Tensor ce = Objective.crossEntropy(out, batch);
        Tensor extra = extension.extraLoss(out, batch);
        Tensor auxTotal = out.auxLoss() == null ? extra : extra == null ? out.auxLoss() : out.auxLoss().add(extra);
        Tensor total = auxTotal == null ? ce : ce.add(auxTotal);
        return new Forward(total, ce.item(), auxTotal == null ? 0 : auxTotal.item(), out.trace());
    }

    /** The routes of the shards, in shard order, as one trace of the whole batch (shard i's tokens after shard i-1's). */
    static RoutingTrace concat(List<RoutingTrace> shards) {
        RoutingTrace first = shards.getFirst();
        int batch = 0;
        for (RoutingTrace t : shards) {
            batch += t.batch();
        }
        List<StepRoutes> steps = new ArrayList<>(first.steps().size());
        for (int s = 0; s < first.steps().size(); s++) {
            int length = 0;
            for (RoutingTrace t : shards) {
                length += t.steps().get(s).modules().length;
            }
            int[] modules = new int[length];
            float[] weights = new float[length];
            int at = 0;
            for (RoutingTrace t : shards) {
                StepRoutes r = t.steps().get(s);
                System.arraycopy(r.modules(), 0, modules, at, r.modules().length);
                System.arraycopy(r.weights(), 0, weights, at, r.weights().length);
                at += r.modules().length;
            }
            steps.add(new StepRoutes(modules, weights, first.steps().get(s).identityBias()));
        }
        return new RoutingTrace(batch, first.seqLen(), first.topK(), first.pool(), steps);
    }
}
