package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RouterNoise;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Construction, determinism, names, bad input, noise, tying, and the observer. */
@ExtendWith(ReferenceBackendExtension.class)
class DnaModelBasicsTest {

    private static ModelConfigs routed() {
        ModelConfigs c = ModelConfigs.language().pool("transformer:2,attention,mlp,identity:2");
        c.topK = 2;
        c.routerInitStd = 0.3;
        return c;
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedOtherWeights() {
        Map<String, Tensor> a = new DnaModel(routed().build(), 11).stateDict();
        Map<String, Tensor> b = new DnaModel(routed().build(), 11).stateDict();
        Map<String, Tensor> c = new DnaModel(routed().build(), 12).stateDict();
        assertEquals(a.keySet(), b.keySet());
        boolean anyDifferent = false;
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
            anyDifferent |= !Arrays.equals(a.get(k).toArray(), c.get(k).toArray());
        }
        assertTrue(anyDifferent);
    }

    @Test
    void stateDictNamesFollowTheDocumentedLayout() {
        ModelConfigs c = routed();
        DnaModel dna = new DnaModel(c.build(), 1);
        Map<String, Tensor> s = dna.stateDict();
        for (String name : List.of("input.tok.weight", "input.pos.weight", "backbone.0.attn.qkv.weight",
                "routers.0.norm.weight", "routers.2.proj.weight", "pool.0.mlp.proj.weight", "pool.2.attn.proj.weight",
                "pool.3.mlp.fc.weight", "output.norm.weight", "output.head.weight", "identity_bias")) {
            assertTrue(s.containsKey(name), name + " missing from " + s.keySet());
        }
        assertFalse(s.keySet().stream().anyMatch(k -> k.startsWith("pool.4.") || k.startsWith("pool.5.")),
                "identity modules own no parameters");
        assertFalse(s.containsKey("pool.2.mlp.fc.weight"), "an attention module has no MLP");
        assertArrayEquals(new int[]{c.pool.size(), c.width}, s.get("routers.0.proj.weight").shape());
        assertArrayEquals(new int[]{c.steps, c.pool.size()}, s.get("identity_bias").shape());
        // router weights drawn with routerInitStd; 0 gives zeros
        c.routerInitStd = 0;
        float[] zero = new DnaModel(c.build(), 1).router(0).proj().weight().toArray();
        assertArrayEquals(new float[zero.length], zero);
    }

    @Test
    void tiedEmbeddingsShareTheTokenTable() {
        ModelConfigs c = routed();
        c.tied = true;
        DnaModel dna = new DnaModel(c.build(), 1);
        assertNull(dna.output().head());
        assertSame(dna.tokenInput().tok().weight(), dna.output().headWeight());
        assertFalse(dna.stateDict().containsKey("output.head.weight"));
        ModelOutput out = dna.forwardTokens(new int[]{1, 2, 3, 4}, 2);
        assertArrayEquals(new int[]{4, c.vocab}, out.logits().shape());
    }

    @Test
    void badTokensAreRefusedNamingTheMethodAndValues() {
        ModelConfigs c = routed();
        DnaModel dna = new DnaModel(c.build(), 1);
        String outside = assertThrows(IllegalArgumentException.class,
                () -> dna.forwardTokens(new int[]{1, 2, 3, c.vocab}, 2)).getMessage();
        assertTrue(outside.contains("forwardTokens") && outside.contains("token " + c.vocab) && outside.contains("index 3"),
                outside);
        String negative = assertThrows(IllegalArgumentException.class,
                () -> dna.forwardTokens(new int[]{-1, 2}, 1)).getMessage();
        assertTrue(negative.contains("token -1"), negative);
        String length = assertThrows(IllegalArgumentException.class,
                () -> dna.forwardTokens(new int[]{1, 2, 3}, 2)).getMessage();
        assertTrue(length.contains("forwardTokens") && length.contains("3 tokens") && length.contains("batch = 2"), length);
        String tooLong = assertThrows(IllegalArgumentException.class,
                () -> dna.forwardTokens(new int[c.context + 1], 1)).getMessage();
        assertTrue(tooLong.contains("model.context = " + c.context), tooLong);
        assertThrows(IllegalArgumentException.class, () -> dna.forwardTokens(new int[4], 0));
        assertThrows(IllegalArgumentException.class, () -> dna.forwardTokens(null, 1));
        assertThrows(IllegalArgumentException.class, () -> dna.setIdentityBias(new float[3]));
    }

    @Test
    void unsupportedSettingsAreRefusedAtConstruction() {
        ModelConfigs forced = routed();
        forced.forced = true;
        assertThrows(ConfigException.class, () -> new DnaModel(forced.build(), 1));
    }

    @Test
    void shorterSequencesThanTheContextWork() {
        DnaModel dna = new DnaModel(routed().build(), 2);
        ModelOutput out = dna.forwardTokens(new int[]{5, 6, 7}, 1);
        assertEquals(3, out.trace().seqLen());
        assertArrayEquals(new int[]{3, routed().vocab}, out.logits().shape());
    }

    @Test
    void gumbelNoiseChangesChoicesInTrainingOnlyAndIsReproducible() {
        ModelConfigs c = routed();
        c.noise = RouterNoise.GUMBEL;
        DnaModel dna = new DnaModel(c.build(), 3);
        int[] tokens = SpecialCasesTest.tokens(new Rng(4), c.vocab);
        long[] saved = dna.routerNoiseState();
        int[] first = dna.forwardTokens(tokens, 2).trace().steps().get(0).modules();
        int[] second = dna.forwardTokens(tokens, 2).trace().steps().get(0).modules();
        assertFalse(Arrays.equals(first, second), "fresh noise each forward in training mode");
        dna.restoreRouterNoiseState(saved);
        assertArrayEquals(first, dna.forwardTokens(tokens, 2).trace().steps().get(0).modules(), "restored noise stream");

        dna.eval();
        int[] evalA = dna.forwardTokens(tokens, 2).trace().steps().get(0).modules();
        int[] evalB = dna.forwardTokens(tokens, 2).trace().steps().get(0).modules();
        assertArrayEquals(evalA, evalB, "no noise in eval mode");
        ModelConfigs quiet = routed();
        DnaModel plain = new DnaModel(quiet.build(), 3);
        assertArrayEquals(plain.forwardTokens(tokens, 2).trace().steps().get(0).modules(), evalA,
                "eval mode routes like the noise-free model");
    }

    @Test
    void noisyRoutingStillTrainsTheRouterThroughRho() {
        ModelConfigs c = routed();
        c.noise = RouterNoise.GUMBEL;
        c.renormalize = true;
        DnaModel dna = new DnaModel(c.build(), 5);
        int[] tokens = SpecialCasesTest.tokens(new Rng(6), c.vocab);
        ModelOutput out = dna.forwardTokens(tokens, 2);
        int[] targets = Arrays.copyOf(tokens, tokens.length);
        Losses.crossEntropy(out.logits(), targets, -1).backward();
        assertNotNull(dna.router(0).proj().weight().grad());
        for (StepRoutes r : out.trace().steps()) {
            for (int t = 0; t < r.weights().length; t += 2) {
                assertEquals(1.0, r.weights()[t] + r.weights()[t + 1], 1e-6, "renormalised over the chosen K");
            }
        }
    }

    @Test
    void theObserverSeesInputBackboneAndEveryStep() {
        ModelConfigs c = routed();
        c.backbone = 2;
        DnaModel dna = new DnaModel(c.build(), 1);
        List<String> seen = new ArrayList<>();
        dna.forwardTokens(new int[]{1, 2, 3, 4}, 2, (stage, i, h) -> {
            seen.add(stage + " " + i);
            assertArrayEquals(new int[]{4, c.width}, h.shape());
        });
        assertEquals(List.of("INPUT 0", "BACKBONE 0", "BACKBONE 1", "STEP 0", "STEP 1", "STEP 2"), seen);
    }

    @Test
    void everyPresetBuildsAndRuns() {
        for (String name : Presets.names()) {
            ModelConfig m = Presets.get(name).model();
            DnaModel dna = new DnaModel(m, 1);
            ModelOutput out;
            if (name.startsWith("vision")) {
                out = dna.forwardImages(new float[2 * 28 * 28], 2);
                assertArrayEquals(new int[]{2, m.vision().classes()}, out.logits().shape(), name);
            } else {
                out = dna.forwardTokens(new int[2 * 8], 2); // 2 sequences of 8 tokens, shorter than the context
                assertArrayEquals(new int[]{16, 256}, out.logits().shape(), name);
            }
            ComputeAccount a = dna.account(out.trace());
            assertEquals(dna.numParameters(), a.totalParameters(), name);
            assertTrue(a.activeParametersPerToken() > 0 && a.forwardFlopsPerToken() > 0, name);
            assertEquals(name.contains("dense") || name.equals("universal"), dna.isForcedRouting(), name);
        }
    }
}
