package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdna.dna.config.ModelConfig;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.nn.MultiHeadAttention;
import org.jdna.engine.nn.TinyGpt;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/method.md section 4: the proto-architecture reproduces its special cases exactly. The dense
 * reference is the engine's TinyGpt (token + position embeddings, GPT-2 blocks, final norm, untied
 * head), built directly from the engine's nn blocks and loaded with the DNA's weights.
 */
@ExtendWith(ReferenceBackendExtension.class)
class SpecialCasesTest {
    private static final int B = 2;
    private static final int T = 8;
    private static final double TOL = 1e-5;

    // ------------------------------------------------------------------ dense transformer

    @Test
    void forcedRoutingWithOneTransformerPerStepIsADenseTransformer() {
        ModelConfigs c = ModelConfigs.language();
        c.forced = true;
        DnaModel dna = new DnaModel(c.build(), 3);
        TinyGpt dense = denseTwin(dna, c.backbone + c.steps, s -> "pool." + s);
        int[] tokens = tokens(new Rng(5), c.vocab);

        float[] expected = denseLogits(dense, tokens);
        ModelOutput out = dna.forwardTokens(tokens, B);
        Diff.assertClose("forced DNA vs dense transformer", expected, out.logits().toArray(), TOL);
        assertEquals(B * T, out.logits().dim(0));
        for (int s = 0; s < c.steps; s++) {
            for (int m : out.trace().steps().get(s).modules()) {
                assertEquals(s, m, "forced routing uses module s at step s");
            }
        }

        // The comparison can fail: one changed weight of one module moves the logits well beyond the tolerance.
        Tensor w = dna.pool().block(1).mlp().fc().weight();
        float[] v = w.toArray();
        v[0] += 0.5f;
        w.set(v);
        double moved = Diff.maxAbs(expected, dna.forwardTokens(tokens, B).logits().toArray());
        assertTrue(moved > 100 * TOL, "a perturbed module must change the output, moved " + moved);
    }

    @Test
    void routedPathForcedByTheSelectionBiasIsTheSameDenseTransformer() {
        // The general path (router, top-k, dispatch, combine) with the choice pinned to module s at step s:
        // zero router weights give uniform rho, a selection bias of 1 on module s picks it, and
        // renormalising over K = 1 makes its weight exactly 1, so h + 1 * (M_s(h) - h) = M_s(h) up to rounding.
        ModelConfigs c = ModelConfigs.language();
        c.routerInitStd = 0;
        c.renormalize = true;
        DnaModel dna = new DnaModel(c.build(), 3);
        float[] bias = new float[c.steps * c.steps];
        for (int s = 0; s < c.steps; s++) {
            bias[s * c.steps + s] = 1f;
        }
        dna.setIdentityBias(bias);
        TinyGpt dense = denseTwin(dna, c.backbone + c.steps, s -> "pool." + s);
        int[] tokens = tokens(new Rng(6), c.vocab);

        ModelOutput out = dna.forwardTokens(tokens, B);
        Diff.assertClose("routed DNA pinned to module s vs dense", denseLogits(dense, tokens), out.logits().toArray(), TOL);
        for (int s = 0; s < c.steps; s++) {
            StepRoutes r = out.trace().steps().get(s);
            for (int i = 0; i < r.modules().length; i++) {
                assertEquals(s, r.modules()[i]);
                assertEquals(1f, r.weights()[i]);
            }
        }
    }

    // ------------------------------------------------------------------ universal transformer

    @Test
    void onePoolModuleWithTopOneIsAWeightSharedTransformer() {
        ModelConfigs c = ModelConfigs.language().pool("transformer:1");
        c.routerInitStd = 0.5; // rho over one module is exactly 1 whatever the router says
        DnaModel dna = new DnaModel(c.build(), 4);
        TinyGpt universal = denseTwin(dna, c.backbone + c.steps, s -> "pool.0");
        int[] tokens = tokens(new Rng(7), c.vocab);
        Diff.assertClose("E = 1, K = 1 DNA vs universal transformer", denseLogits(universal, tokens),
                dna.forwardTokens(tokens, B).logits().toArray(), TOL);
    }

    // ------------------------------------------------------------------ identity modules

    @Test
    void identityChoicesLeaveTheStateUnchangedBitForBit() {
        for (String pool : List.of("transformer:1,identity:1", "transformer:2,identity:2")) {
            ModelConfigs c = ModelConfigs.language().pool(pool);
            c.topK = pool.startsWith("transformer:2") ? 2 : 1;
            c.routerInitStd = 0.5;
            DnaModel dna = new DnaModel(c.build(), 8);
            int e = c.pool.size();
            float[] bias = new float[c.steps * e];
            for (int s = 0; s < c.steps; s++) {
                for (int i = 0; i < e; i++) {
                    bias[s * e + i] = c.pool.kind(i).isIdentity() ? 10f : 0f; // every choice an identity
                }
            }
            dna.setIdentityBias(bias);
            int[] tokens = tokens(new Rng(9), c.vocab);
            List<float[]> states = new ArrayList<>();
            ModelOutput out = dna.forwardTokens(tokens, B, (stage, i, h) -> states.add(h.toArray()));
            // states: input, backbone 0, step 0 .. S-1
            for (int s = 0; s < c.steps; s++) {
                assertEquals(1.0, out.trace().identityFraction(s), pool);
                assertArrayEquals(states.get(1), states.get(2 + s), pool + ": step " + s + " changed h");
            }

            // Can fail: without the bias the tokens visit the transformer and h moves.
            dna.setIdentityBias(new float[c.steps * e]);
            states.clear();
            ModelOutput free = dna.forwardTokens(tokens, B, (stage, i, h) -> states.add(h.toArray()));
            assertTrue(free.trace().identityFraction(0) < 1.0);
            assertFalse(java.util.Arrays.equals(states.get(1), states.get(2)), pool + ": a routed step must move h");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A TinyGpt with the DNA's weights: block i < N_b from backbone.i, block N_b + s from {@code stepModule(s)}. */
    static TinyGpt denseTwin(DnaModel dna, int layers, java.util.function.IntFunction<String> stepModule) {
        ModelConfig m = dna.config();
        TinyGpt tiny = new TinyGpt(new TinyGpt.Config(m.vocabSize(), m.context(), m.width(), m.heads(), layers),
                new Rng(99));
        Map<String, Tensor> dnaState = dna.stateDict();
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("tok.weight", dnaState.get("input.tok.weight"));
        state.put("pos.weight", dnaState.get("input.pos.weight"));
        state.put("ln_f.weight", dnaState.get("output.norm.weight"));
        state.put("ln_f.bias", dnaState.get("output.norm.bias"));
        state.put("head.weight", dnaState.get("output.head.weight"));
        for (int layer = 0; layer < layers; layer++) {
            String source = layer < m.backboneBlocks() ? "backbone." + layer : stepModule.apply(layer - m.backboneBlocks());
            for (var e : dnaState.entrySet()) {
                if (e.getKey().startsWith(source + ".")) {
                    state.put("blocks." + layer + e.getKey().substring(source.length()), e.getValue());
                }
            }
        }
        tiny.loadStateDict(state, true);
        return tiny;
    }

    static float[] denseLogits(TinyGpt tiny, int[] tokens) {
        int[] positions = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            positions[i] = i % T;
        }
        return tiny.logits(tokens, positions, MultiHeadAttention.denseSegments(B, T)).toArray();
    }

    static int[] tokens(Rng rng, int vocab) {
        int[] t = new int[B * T];
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextInt(vocab);
        }
        return t;
    }
}
