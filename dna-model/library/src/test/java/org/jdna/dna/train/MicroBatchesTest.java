package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.TrainConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.dna.model.RoutingTrace;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.optim.GradClip;
import org.jdna.engine.optim.WarmupCosine;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * train.microBatches: a step run as M shards gives the same bits as M replicas of the model that each run one
 * shard, then add their gradients in shard order 0..M-1, scale the sum by 1/M and update the controller from
 * the routes of all shards (what M data-parallel workers do). With M = 1 it is the plain step.
 */
class MicroBatchesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void shardsAccumulatedInOrderEqualReplicasReducedInShardOrder(int m) {
        // At step 1 routed step 1 routes 30.2% of the batch to identity modules and 35.4% (M = 2) or 37.5% (M = 3)
        // of the last shard: a controller that saw only one shard would move its biases the other way.
        RunConfig config = TinyRuns.config(tmp, 3, "train.batchSize=6", "train.microBatches=" + m,
                "model.identityTarget=0.31");
        TrainConfig t = config.train();
        BackendSetup.select(t);
        TaskData data = TaskData.open(config, TinyRuns.quietOptions().datasets());

        Replica accumulating = new Replica(config);
        TrainStep step = new TrainStep(accumulating.model, accumulating.optimizer, accumulating.schedule, t.gradClip(),
                new DivergenceGuard(tmp, null), TrainExtension.NONE, m);
        List<Replica> workers = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            workers.add(new Replica(config));
        }
        for (long s = 1; s <= t.steps(); s++) {
            TrainBatch batch = data.nextTrain();
            StepResult r = step.run(s, batch);

            // Each worker: forward and backward of its own shard, on its own copy of the model.
            List<Tensor> params = workers.getFirst().model.parameters();
            float[][][] grads = new float[m][params.size()][];
            List<RoutingTrace> traces = new ArrayList<>();
            double loss = 0;
            for (int i = 0; i < m; i++) {
                Replica w = workers.get(i);
                w.model.train();
                w.schedule.apply(w.optimizer, s - 1);
                TrainBatch shard = batch.shard(i, m);
                ModelOutput out = shard.forward(w.model);
                Tensor ce = Objective.crossEntropy(out, shard);
                (out.auxLoss() == null ? ce : ce.add(out.auxLoss())).backward();
                loss += ce.item();
                traces.add(out.trace());
                List<Tensor> p = w.model.parameters();
                for (int j = 0; j < p.size(); j++) {
                    grads[i][j] = p.get(j).grad() == null ? null : p.get(j).grad().toArray();
                }
            }
            // The reduction: shard order, plain float adds, then 1/M; every worker gets the same sum.
            float[][] sum = new float[params.size()][];
            for (int j = 0; j < params.size(); j++) {
                for (int i = 0; i < m; i++) {
                    float[] g = grads[i][j];
                    if (g == null) {
                        continue;
                    }
                    if (sum[j] == null) {
                        sum[j] = g.clone();
                    } else {
                        for (int k = 0; k < g.length; k++) {
                            sum[j][k] += g[k];
                        }
                    }
                }
                if (sum[j] != null) {
                    for (int k = 0; k < sum[j].length; k++) {
                        sum[j][k] *= 1f / m;
                    }
                }
            }
            RoutingTrace global = TrainStep.concat(traces);
            for (Replica w : workers) {
                List<Tensor> p = w.model.parameters();
                for (int j = 0; j < p.size(); j++) {
                    p.get(j).zeroGrad();
                    if (sum[j] != null) {
                        p.get(j).takeGrad(Tensor.of(sum[j].clone(), p.get(j).shape()));
                    }
                }
                GradClip.clipGlobalNorm(p, t.gradClip());
                w.optimizer.step();
                w.model.afterOptimizerStep(global);
                w.optimizer.zeroGrad();
            }
            assertEquals(loss / m, r.loss(), "step " + s + " loss");
            for (Replica w : workers) {
                assertSameState(accumulating.model, w.model, "step " + s);
            }
            assertEquals(global.tokens(), r.trace().tokens());
        }
    }

    @Test
    void aMicroBatchedStepIsTheFullBatchStepUpToRounding() {
        Trainer.run(TinyRuns.config(tmp.resolve("one"), 2, "train.batchSize=4"), TinyRuns.quietOptions());
        Trainer.run(TinyRuns.config(tmp.resolve("two"), 2, "train.batchSize=4", "train.microBatches=2"),
                TinyRuns.quietOptions());
        double full = TinyRuns.losses(tmp.resolve("one")).getFirst();
        double shards = TinyRuns.losses(tmp.resolve("two")).getFirst();
        // the first step's loss is taken before any update: the mean over the same rows, summed in another order
        assertEquals(full, shards, 1e-5 * full);
        double fullNorm = ((Number) TinyRuns.records(tmp.resolve("one"), "step").getFirst().get("gradNorm")).doubleValue();
        double shardNorm = ((Number) TinyRuns.records(tmp.resolve("two"), "step").getFirst().get("gradNorm")).doubleValue();
        assertEquals(fullNorm, shardNorm, 1e-3 * fullNorm);
    }

    @Test
    void microBatchesMustDivideTheBatch() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TinyRuns.config(tmp, 1, "train.batchSize=6", "train.microBatches=4"));
        assertTrue(e.getMessage().contains("train.microBatches = 4 must divide train.batchSize = 6"), e.getMessage());
    }

    private static void assertSameState(DnaModel expected, DnaModel actual, String where) {
        Map<String, Tensor> a = expected.stateDict();
        Map<String, Tensor> b = actual.stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).toArray(), b.get(name).toArray(), where + ": " + name);
        }
    }

    private static final class Replica {
        final DnaModel model;
        final AdamW optimizer;
        final WarmupCosine schedule;

        Replica(RunConfig config) {
            TrainConfig t = config.train();
            model = new DnaModel(config.model(), t.seed());
            optimizer = new AdamW(model, new AdamW.Options(t.lr(), t.beta1(), t.beta2(), t.adamEps(), t.weightDecay()));
            schedule = new WarmupCosine(t.lr(), t.minLr(), Trainer.warmupSteps(t), t.steps());
        }
    }
}
