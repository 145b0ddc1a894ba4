package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.jdna.dna.config.ModulePool;
import org.jdna.engine.backend.DispatchPlan;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.nn.TransformerBlock;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attention inside a module sees only the tokens of the same sequence routed to that module at that
 * step, causally on original positions (language) or all of them (vision): perturbing a token that was
 * not routed to a module, or one at a later position, leaves the other tokens' outputs of that module
 * unchanged; and each module's rows equal the same block run on the whole sequence with the attention
 * mask a PyTorch user would write (both tokens routed to the module, key position <= query position).
 */
@ExtendWith(ReferenceBackendExtension.class)
class RoutedLocalityTest {
    private static final int B = 2;
    private static final int T = 6;
    private static final int D = 8;
    private static final int K = 2;
    // modules: 0 transformer, 1 attention, 2 mlp, 3 identity
    private static final ModulePool KINDS = ModulePool.parse("transformer,attention,mlp,identity");
    // (N, K): sequence 0 = tokens 0..5, sequence 1 = tokens 6..11
    private static final int[] CHOICES = {
            0, 3, 1, 0, 2, 3, 0, 1, 3, 2, 0, 2,
            1, 2, 0, 3, 3, 1, 0, 2, 2, 0, 1, 3};

    private Pool pool;
    private DispatchPlan plan;

    // built per test, after the extension made the reference backend current (a field initialiser
    // would run first and put the pool on whatever backend is the default, e.g. simd)
    @BeforeEach
    void buildPool() {
        pool = new Pool(KINDS, TransformerBlock.Options.gpt2(D, 2).withHidden(16), new Rng(1));
        plan = DispatchPlan.build(CHOICES, B * T, K, KINDS.size(), pool.identityMask());
    }

    @Test
    void aTokenNotRoutedToAModuleDoesNotReachItsOutputs() {
        float[] h = randomStates(2);
        float[] before = run(h, true);
        float[] after = run(perturb(h, 2), true); // token 2 chose modules 2 and 3 only
        assertArrayEquals(moduleRows(before, 0), moduleRows(after, 0), "module 0 saw token 2");
        assertArrayEquals(moduleRows(before, 1), moduleRows(after, 1), "module 1 saw token 2");
        assertFalse(Arrays.equals(moduleRows(before, 2), moduleRows(after, 2)), "module 2 must see token 2");
    }

    @Test
    void aLaterTokenDoesNotReachEarlierOutputsOfItsModule() {
        float[] h = randomStates(3);
        float[] before = run(h, true);
        float[] after = run(perturb(h, 5), true); // token 5 = sequence 0, position 5, routed to modules 0 and 2
        for (int e = 0; e < 3; e++) {
            for (int row = plan.offset(e); row < plan.offset(e + 1); row++) {
                int token = plan.tokenOfRow()[row];
                boolean same = Arrays.equals(row(before, row), row(after, row));
                if (token == 5) {
                    assertFalse(same, "module " + e + ": the perturbed token's own output must change");
                } else {
                    assertTrue(same, "module " + e + ": output of token " + token + " changed when token 5 moved");
                }
            }
        }
        // And an early token does reach the later tokens of its own module and sequence (attention mixes).
        float[] early = run(perturb(h, 0), true);
        for (int row = plan.offset(0); row < plan.offset(1); row++) {
            int token = plan.tokenOfRow()[row];
            boolean same = Arrays.equals(row(before, row), row(early, row));
            assertTrue(token < T ? !same : same, "module 0, token " + token);
        }
    }

    @Test
    void withoutCausalityEveryRoutedTokenOfTheSequenceIsSeen() {
        float[] h = randomStates(4);
        float[] before = run(h, false);
        float[] after = run(perturb(h, 5), false);
        for (int row = plan.offset(0); row < plan.offset(1); row++) {
            int token = plan.tokenOfRow()[row];
            boolean same = Arrays.equals(row(before, row), row(after, row));
            assertTrue(token < T ? !same : same, "non-causal module 0, token " + token);
        }
    }

    @Test
    void moduleRowsEqualTheMaskedDenseComputation() {
        float[] h = randomStates(5);
        for (boolean causal : new boolean[]{true, false}) {
            float[] y = run(h, causal);
            for (int e = 0; e < 3; e++) {
                for (int b = 0; b < B; b++) {
                    float[] reference = maskedDense(e, b, h, causal);
                    for (int row = plan.offset(e); row < plan.offset(e + 1); row++) {
                        int token = plan.tokenOfRow()[row];
                        if (token / T == b) {
                            Diff.assertClose("module " + e + " token " + token + " causal " + causal,
                                    Diff.rows(reference, D, token % T, token % T + 1), row(y, row), 1e-5);
                        }
                    }
                }
            }
        }
    }

    // Module e on all T rows of sequence b, attention allowed only between tokens routed to e (mask), as in PyTorch.
    private float[] maskedDense(int e, int b, float[] h, boolean causal) {
        float[] mask = new float[T * T];
        for (int p = 0; p < T; p++) {
            for (int u = 0; u < T; u++) {
                mask[p * T + u] = routedTo(e, b * T + p) && routedTo(e, b * T + u) ? 1f : 0f;
            }
        }
        Tensor rows = Tensor.of(Diff.rows(h, D, b * T, (b + 1) * T), T, D);
        TransformerBlock block = pool.block(e);
        return block.forward(rows, new int[]{0, T}, causal, Tensor.of(mask, 1, T, T)).toArray();
    }

    private static boolean routedTo(int e, int token) {
        return CHOICES[token * K] == e || CHOICES[token * K + 1] == e;
    }

    private float[] run(float[] h, boolean causal) {
        return PoolDispatch.run(pool, Tensor.of(h, B * T, D), plan, T, causal).toArray();
    }

    private float[] moduleRows(float[] y, int e) {
        return Diff.rows(y, D, plan.offset(e), plan.offset(e + 1));
    }

    private static float[] row(float[] y, int row) {
        return Diff.rows(y, D, row, row + 1);
    }

    private static float[] randomStates(long seed) {
        Rng rng = new Rng(seed);
        float[] h = new float[B * T * D];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) rng.nextGaussian();
        }
        return h;
    }

    private static float[] perturb(float[] h, int token) {
        float[] p = h.clone();
        for (int j = 0; j < D; j++) {
            p[token * D + j] += 0.7f * (j % 2 == 0 ? 1 : -1);
        }
        return p;
    }
}
