package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.gradcheck.GradCheck;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End-to-end finite differences of a tiny DNA: every parameter (embeddings, backbone, routers, each
 * kind of pool module, output node) against autograd, through top-2 routing over a mixed pool with
 * an identity module; and the Switch load-balancing loss with respect to the routers. The hard
 * top-k choice has no gradient, so the check asserts that no perturbation flips a choice (a flip
 * would be a test-setup problem, not a gradient bug).
 */
@ExtendWith(ReferenceBackendExtension.class)
class DnaGradCheckTest {
    private static final int B = 2;
    private static final int T = 4;
    // Seeds chosen among 1..399 for the largest gap between the 2nd and 3rd router probability of any token
    // and step (0.20 with spread norm parameters, 0.039 without), with every module kind routed to.
    private static final long SEED = 240;
    private static final long SWITCH_SEED = 295;

    private static ModelConfigs tiny() {
        ModelConfigs c = ModelConfigs.language().pool("transformer,attention,mlp,identity");
        c.vocab = 12;
        c.context = T;
        c.width = 8;
        c.heads = 2;
        c.hidden = 12;
        c.backbone = 1;
        c.steps = 2;
        c.topK = 2;
        c.routerInitStd = 1.0; // well separated router scores, so finite steps do not flip choices
        return c;
    }

    @Test
    void everyParameterOfATinyDnaMatchesFiniteDifferences() {
        DnaModel dna = new DnaModel(tiny().build(), SEED);
        spreadNormParameters(dna, new Rng(32));
        int[] tokens = tokens(tiny().vocab, SEED + 1000);
        int[][] choices = choices(dna.forwardTokens(tokens, B).trace());
        assertRoutesUseEveryKind(choices);
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Tensor> p : dna.namedParameters().entrySet()) {
            GradCheck.check("dna." + p.getKey(), GradCheck.Tolerance.SMOOTH,
                    in -> logits(dna, tokens, choices), p.getValue());
            checked.add(p.getKey());
        }
        assertTrue(checked.contains("routers.1.proj.weight") && checked.contains("pool.1.attn.qkv.weight")
                && checked.contains("pool.2.mlp.fc.weight"), "checked " + checked);
    }

    /**
     * The whole-model check is tight enough to see one routing rule 1% off (the check above with
     * combine's or top-k's rule scaled by 1.01) in the gradient of a router's projection.
     */
    @Test
    void aRoutingRuleOnePercentOffFailsTheWholeModelCheck() {
        DnaModel dna = new DnaModel(tiny().build(), SEED);
        spreadNormParameters(dna, new Rng(32));
        int[] tokens = tokens(tiny().vocab, SEED + 1000);
        int[][] choices = choices(dna.forwardTokens(tokens, B).trace());
        Tensor router = dna.namedParameters().get("routers.1.proj.weight");
        for (String rule : List.of("combine", "topk")) {
            AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.check("dna, " + rule + " 1% off",
                    GradCheck.Tolerance.SMOOTH, GradCheck.ruleScaled(rule, 1.01f, in -> logits(dna, tokens, choices)),
                    router));
            assertTrue(e.getMessage().contains("wrong at flat index"), e.getMessage());
        }
    }

    @Test
    void theLoadBalancingLossReachesTheRouters() {
        ModelConfigs c = tiny();
        c.switchLossAlpha = 0.5;
        DnaModel dna = new DnaModel(c.build(), SWITCH_SEED);
        int[] tokens = tokens(c.vocab, SWITCH_SEED + 1000);
        int[][] choices = choices(dna.forwardTokens(tokens, B).trace());
        for (String name : List.of("routers.0.proj.weight", "routers.1.proj.weight", "routers.1.norm.weight",
                "backbone.0.mlp.fc.weight")) {
            Tensor p = dna.namedParameters().get(name);
            assertNotNull(p, name);
            GradCheck.check("switch loss wrt " + name, GradCheck.Tolerance.SMOOTH, in -> {
                ModelOutput out = dna.forwardTokens(tokens, B);
                requireSameChoices(choices, out.trace());
                return out.auxLoss();
            }, p);
        }
    }

    private static Tensor logits(DnaModel dna, int[] tokens, int[][] choices) {
        ModelOutput out = dna.forwardTokens(tokens, B);
        requireSameChoices(choices, out.trace());
        return out.logits();
    }

    private static int[][] choices(RoutingTrace trace) {
        int[][] c = new int[trace.steps().size()][];
        for (int s = 0; s < c.length; s++) {
            c[s] = trace.steps().get(s).modules();
        }
        return c;
    }

    private static void requireSameChoices(int[][] expected, RoutingTrace trace) {
        for (int s = 0; s < expected.length; s++) {
            if (!java.util.Arrays.equals(expected[s], trace.steps().get(s).modules())) {
                throw new AssertionError("a finite-difference step flipped a routing choice at step " + s
                        + "; choose a seed with larger score gaps");
            }
        }
    }

    private static void assertRoutesUseEveryKind(int[][] choices) {
        boolean[] used = new boolean[4];
        for (int[] step : choices) {
            for (int m : step) {
                used[m] = true;
            }
        }
        for (int m = 0; m < used.length; m++) {
            assertTrue(used[m], "the setup should route some token to module " + m);
        }
    }

    // Norm gains and biases away from 1 and 0 so their gradients are exercised in general position.
    static void spreadNormParameters(DnaModel dna, Rng rng) {
        dna.namedParameters().forEach((name, p) -> {
            if (name.contains("norm") || name.contains("ln") || name.endsWith("bias")) {
                float[] v = p.toArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.2 * rng.nextGaussian());
                }
                p.set(v);
            }
        });
    }

    private static int[] tokens(int vocab, long seed) {
        Rng rng = new Rng(seed);
        int[] t = new int[B * T];
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextInt(vocab);
        }
        return t;
    }
}
