package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.Positions;
import org.jdna.dna.config.Presets;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.nn.TinyGpt;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7: every special-case preset (docs/method.md section 4) and the Radial preset (section 6), shrunk to
 * test size with its structure kept (pool, per-step module sets, K, step attention, exits, weights,
 * biases), gives the same logits as a direct implementation with the same weights ({@link DirectDna}:
 * dense masked modules, host-side routing in double), within 1e-5; the dense-shaped ones also equal the
 * engine's TinyGpt.
 */
@ExtendWith(ReferenceBackendExtension.class)
class PresetEquivalenceTest {
    private static final int B = 2;
    private static final int T = 8;
    private static final double TOL = 1e-5;

    /** The preset's model at test size: D = 16, 2 heads, H = 64, T = 8, V = 32; the structure unchanged. */
    static ModelConfig small(String preset) {
        ModelConfig m = Presets.get(preset).model();
        return m.with(ModelConfig.VOCAB_SIZE, 32).with(ModelConfig.CONTEXT, T).with(ModelConfig.WIDTH, 16)
                .with(ModelConfig.HEADS, 2).with(ModelConfig.MLP_HIDDEN, 64)
                .with(ModelConfig.POOL_MLP_HIDDEN, m.poolMlpHidden() > 0 ? 32 : 0)
                .with(ModelConfig.ROUTER_HIDDEN, m.routerHidden() > 0 ? 8 : 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "universal", "moe", "mod", "early-exit", "radial", "dna-top2", "dna-top1"})
    void presetEqualsTheDirectImplementation(String preset) {
        DnaModel dna = new DnaModel(small(preset), 11);
        dna.eval();
        int[] tokens = SpecialCasesTest.tokens(new Rng(12), 32);
        ModelOutput out = dna.forwardTokens(tokens, B);
        Diff.assertClose(preset + " vs direct implementation", new DirectDna(dna).logits(tokens, B),
                out.logits().toArray(), TOL);
    }

    /**
     * Rotary positions: each module's attention rotates its gathered rows by their original positions,
     * which the direct implementation (every module on every token, masked) gets from the dense layout.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dense", "dna-top2", "dna-top1", "moe", "radial"})
    void ropePresetEqualsTheDirectImplementation(String preset) {
        DnaModel dna = new DnaModel(small(preset).with(ModelConfig.POSITIONS, Positions.ROPE)
                .with(ModelConfig.ROUTER_INIT_STD, 1.0), 11);
        assertNull(dna.tokenInput().pos(), "rotary positions need no position table");
        dna.eval();
        int[] tokens = SpecialCasesTest.tokens(new Rng(12), 32);
        ModelOutput out = dna.forwardTokens(tokens, B);
        Diff.assertClose(preset + " (rope) vs direct implementation", new DirectDna(dna).logits(tokens, B),
                out.logits().toArray(), TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "universal", "moe", "mod", "early-exit", "radial"})
    void presetIsValidAndLoadsByName(String preset) {
        ModelConfig m = ConfigLoader.load(preset, null, List.of()).model();
        assertEquals(Presets.get(preset).model(), m);
    }

    @Test
    void denseAndUniversalAreTinyGpts() {
        DnaModel dense = new DnaModel(small("dense"), 3);
        int[] tokens = SpecialCasesTest.tokens(new Rng(4), 32);
        TinyGpt twin = SpecialCasesTest.denseTwin(dense, 7, s -> "pool." + s);
        Diff.assertClose("dense preset vs TinyGpt", SpecialCasesTest.denseLogits(twin, tokens),
                dense.forwardTokens(tokens, B).logits().toArray(), TOL);

        DnaModel universal = new DnaModel(small("universal"), 3);
        assertTrue(universal.isForcedRouting(), "universal: every step forced to the one block, no routers");
        TinyGpt shared = SpecialCasesTest.denseTwin(universal, 7, s -> "pool.0");
        Diff.assertClose("universal preset vs weight-shared TinyGpt", SpecialCasesTest.denseLogits(shared, tokens),
                universal.forwardTokens(tokens, B).logits().toArray(), TOL);
        assertEquals(universal.backbone().numParameters(), universal.pool().parameterCount(0),
                "universal: one pool block, as large as a backbone block");
        ComputeAccount a = universal.account(universal.forwardTokens(tokens, B).trace());
        ComputeAccount d = dense.account(dense.forwardTokens(tokens, B).trace());
        assertEquals(d.activeParametersPerToken(), a.activeParametersPerToken(), 1e-9, "universal: active = dense");
        assertEquals(d.forwardFlopsPerToken(), a.forwardFlopsPerToken(), 1e-6, "universal: FLOPs = dense");
        assertTrue(a.totalParameters() < d.totalParameters());
    }

    @Test
    void moeRoutesEachStepToItsOwnExpertsWithTheSwitchLossAndDenseActiveWidth() {
        DnaModel moe = new DnaModel(small("moe"), 5);
        int[] tokens = SpecialCasesTest.tokens(new Rng(6), 32);
        ModelOutput out = moe.forwardTokens(tokens, B);
        assertNotNull(out.auxLoss(), "moe: Switch loss on");
        for (int s = 0; s < 6; s++) {
            for (int m : out.trace().steps().get(s).modules()) {
                assertTrue(m >= 4 * s && m < 4 * s + 4, "moe step " + s + " chose expert " + m);
            }
            assertNotNull(moe.stepAttention(s));
        }
        // Two experts of hidden H/2 per token and step: the MLP parameters a token uses equal the dense model's.
        DnaModel dense = new DnaModel(small("dense"), 5);
        ComputeAccount a = moe.account(out.trace());
        ComputeAccount d = dense.account(dense.forwardTokens(tokens, B).trace());
        long routerParams = 6 * (2 * 16 + 16 * 4);
        // Per step two experts' small extras over one dense MLP: a second output bias (D) and LayerNorm (2D).
        assertEquals(d.activeParametersPerToken() + routerParams + 6 * 3 * 16, a.activeParametersPerToken(), 1e-6);
        assertTrue(a.totalParameters() > d.totalParameters());
    }

    @Test
    void modChoosesBetweenItsStepsBlockAndTheIdentity() {
        DnaModel mod = new DnaModel(small("mod"), 7);
        int[] tokens = SpecialCasesTest.tokens(new Rng(8), 32);
        RoutingTrace trace = mod.forwardTokens(tokens, B).trace();
        for (int s = 0; s < 6; s++) {
            for (int m : trace.steps().get(s).modules()) {
                assertTrue(m == s || m == 6, "mod step " + s + " chose module " + m);
            }
        }
    }

    @Test
    void earlyExitStartsWithARampAndWithoutExitsIsTheDenseNetwork() {
        DnaModel ee = new DnaModel(small("early-exit"), 9);
        float[] bias = ee.identityBias();
        int e = 7;
        assertEquals(0f, bias[6], "no bias toward the exit at step 0");
        assertEquals(0.3f, bias[5 * e + 6], 1e-6f, "bias 0.3 at the last step");
        assertEquals(0f, bias[5 * e + 5], "blocks have no bias");
        int[] tokens = SpecialCasesTest.tokens(new Rng(10), 32);
        RoutingTrace trace = ee.forwardTokens(tokens, B).trace();
        assertExitsAreFinal(trace, 6, false);

        // Forbid the exit: straight-through weights are exactly 1, so the model is the dense network.
        float[] never = new float[bias.length];
        for (int s = 0; s < 6; s++) {
            never[s * e + 6] = -10f;
        }
        ee.setIdentityBias(never);
        TinyGpt twin = SpecialCasesTest.denseTwin(ee, 7, s -> "pool." + s);
        Diff.assertClose("early-exit without exits vs dense", SpecialCasesTest.denseLogits(twin, tokens),
                ee.forwardTokens(tokens, B).logits().toArray(), TOL);
    }

    @Test
    void radialExitsAreFinalAndRoutersAreSmallMlps() {
        DnaModel radial = new DnaModel(small("radial").with(ModelConfig.ROUTER_INIT_STD, 1.0), 13);
        assertNotNull(radial.router(0).fc(), "radial routers are MLPs");
        Rng rng = new Rng(15);
        for (int s = 0; s < 8; s++) {
            org.jdna.engine.nn.Init.normal(radial.router(s).fc().weight(), 1.0, rng); // decisive, token-dependent routes
        }
        int e = 7;
        float[] bias = new float[8 * e];
        for (int s = 0; s < 8; s++) {
            bias[s * e + 6] = s >= 2 ? 0.05f * (s - 1) : 0f; // make some tokens exit from step 2 on
        }
        radial.setIdentityBias(bias);
        int[] tokens = SpecialCasesTest.tokens(new Rng(14), 32);
        ModelOutput out = radial.forwardTokens(tokens, B);
        assertExitsAreFinal(out.trace(), 6, true);
        Diff.assertClose("radial with exits vs direct", new DirectDna(radial).logits(tokens, B),
                out.logits().toArray(), TOL);
    }

    @Test
    void oldConfigsWithoutTheNewFieldsStillBind() {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) org.jdna.dna.config.ConfigJson.toTree(
                Presets.get("dense"));
        var model = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("model");
        for (String f : List.of("stepModules", "stepAttention", "poolMlpHidden", "routerHidden", "exitSticky",
                "straightThrough", "identityBiasRamp")) {
            assertNotNull(model.remove(f), f);
        }
        assertEquals(Presets.get("dense"), ConfigLoader.fromJson(tree.toString(), "old checkpoint"));
    }

    @Test
    void badStepModulesAreRefusedWithTheField() {
        var e = assertThrows(org.jdna.dna.config.ConfigException.class,
                () -> ConfigLoader.load("mod", null, List.of("model.stepModules=0,6;1,9")));
        assertTrue(e.getMessage().contains("model.stepModules"), e.getMessage());
    }

    // Once a token takes the identity (module exit) it takes it at every later step.
    private static void assertExitsAreFinal(RoutingTrace trace, int exit, boolean someStay) {
        int exits = 0;
        for (int t = 0; t < trace.tokens(); t++) {
            boolean out = false;
            for (int s = 0; s < trace.steps().size(); s++) {
                boolean here = trace.steps().get(s).modules()[t] == exit;
                assertFalse(out && !here, "token " + t + " came back after exiting, at step " + s);
                out |= here;
            }
            exits += out ? 1 : 0;
        }
        assertTrue(exits > 0, "no token exited");
        assertTrue(!someStay || exits < trace.tokens(), "every token exited: " + exits);
    }
}
