package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.dna.config.ModulePool;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/method.md section 3: the identity-bias controller alone (fixed random weights, no training) drives the
 * identity fraction of every routed step to within 3 points of the target r, from a start far from it.
 */
@ExtendWith(ReferenceBackendExtension.class)
class IdentityBiasControllerTest {
    private static final int B = 8;
    private static final int T = 16;

    @Test
    void theIdentityFractionOfEveryStepConvergesToTheTarget() {
        for (double target : new double[]{0.3, 0.1}) {
            ModelConfigs c = ModelConfigs.language().pool("transformer:4,identity:2");
            c.context = T;
            c.width = 8;
            c.hidden = 16;
            c.topK = 2;
            c.steps = 3;
            c.routerInitStd = 0.5;
            c.identityTarget = target;
            c.controllerSpeed = 6e-3;
            DnaModel dna = new DnaModel(c.build(), 61);
            Rng data = new Rng(62);
            int iterations = 250;
            int window = 50;
            double[] start = null;
            double[] recent = new double[c.steps];
            try (var ignored = GradMode.disabled()) {
                for (int it = 0; it < iterations; it++) {
                    RoutingTrace trace = dna.forwardTokens(randomTokens(data, c.vocab), B).trace();
                    if (start == null) {
                        start = new double[c.steps];
                        for (int s = 0; s < c.steps; s++) {
                            start[s] = trace.identityFraction(s);
                        }
                    }
                    if (it >= iterations - window) {
                        for (int s = 0; s < c.steps; s++) {
                            recent[s] += trace.identityFraction(s) / window;
                        }
                    }
                    dna.afterOptimizerStep(trace);
                }
            }
            double farthest = 0;
            for (int s = 0; s < c.steps; s++) {
                farthest = Math.max(farthest, Math.abs(start[s] - target));
                assertEquals(target, recent[s], 0.03, "r = " + target + ": identity fraction of step " + s
                        + " over the last " + window + " batches (started at " + start[s] + ")");
            }
            assertTrue(farthest > 0.06, "r = " + target + ": the start should be far from the target, was " + farthest);
            float[] bias = dna.identityBias();
            for (int s = 0; s < c.steps; s++) {
                for (int e = 0; e < c.pool.size(); e++) {
                    if (!c.pool.kind(e).isIdentity()) {
                        assertEquals(0f, bias[s * c.pool.size() + e], "only identity modules get a bias");
                    }
                }
            }
        }
    }

    @Test
    void oneUpdateMovesEachIdentityBiasByTheSpeedTowardTheTarget() {
        ModelConfigs c = ModelConfigs.language().pool("transformer:2,identity:1");
        c.steps = 2;
        c.identityTarget = 0.5;
        c.controllerSpeed = 0.25;
        DnaModel dna = new DnaModel(c.build(), 1);
        ModulePool pool = c.pool;
        // Step 0: 1 identity route of 4 (too few: +u); step 1: 3 of 4 (too many: -u). N = 4 tokens, K = 1.
        RoutingTrace trace = new RoutingTrace(1, 4, 1, pool, java.util.List.of(
                new StepRoutes(new int[]{0, 2, 1, 0}, new float[4], new float[3]),
                new StepRoutes(new int[]{2, 2, 1, 2}, new float[4], new float[3])));
        dna.afterOptimizerStep(trace);
        assertArrayEquals(new float[]{0, 0, 0.25f, 0, 0, -0.25f}, dna.identityBias());
        // At the target exactly, sign(0) = 0: no move.
        dna.afterOptimizerStep(new RoutingTrace(1, 2, 1, pool, java.util.List.of(
                new StepRoutes(new int[]{2, 0}, new float[2], new float[3]),
                new StepRoutes(new int[]{1, 2}, new float[2], new float[3]))));
        assertArrayEquals(new float[]{0, 0, 0.25f, 0, 0, -0.25f}, dna.identityBias());
        // The bias is in the state dict, so checkpoints carry it.
        assertArrayEquals(new int[]{2, 3}, dna.stateDict().get("identity_bias").shape());
    }

    @Test
    void noTargetMeansNoUpdate() {
        ModelConfigs c = ModelConfigs.language().pool("transformer:2,identity:1");
        c.identityTarget = 0;
        c.context = T;
        DnaModel dna = new DnaModel(c.build(), 2);
        RoutingTrace trace = dna.forwardTokens(randomTokens(new Rng(3), c.vocab), B).trace();
        assertTrue(trace.identityFraction(0) > 0, "the setup should route something to the identity");
        dna.afterOptimizerStep(trace);
        assertArrayEquals(new float[c.steps * 3], dna.identityBias());
    }

    private static int[] randomTokens(Rng rng, int vocab) {
        int[] t = new int[B * T];
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextInt(vocab);
        }
        return t;
    }
}
