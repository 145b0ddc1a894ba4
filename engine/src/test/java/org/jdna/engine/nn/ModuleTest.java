package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ModuleTest {

    /** A two-block model in GPT-2's naming: tok, blocks.0, blocks.1, ln_f, head tied to tok. */
    static final class TinyModel extends Module {
        final Embedding tok;
        final ModuleList<TransformerBlock> blocks;
        final LayerNorm lnF;

        TinyModel(long seed) {
            Rng rng = new Rng(seed);
            tok = registerModule("tok", new Embedding(10, 8, rng));
            blocks = registerModule("blocks", new ModuleList<>());
            blocks.add(new TransformerBlock(TransformerBlock.Options.gpt2(8, 2), rng));
            blocks.add(new TransformerBlock(TransformerBlock.Options.gpt2(8, 2).mlpOnly(), rng));
            lnF = registerModule("ln_f", new LayerNorm(8));
        }
    }

    /** Two names for one tensor (a tied unembedding). */
    static final class Tied extends Module {
        final Embedding emb = registerModule("emb", new Embedding(4, 3, new Rng(1)));

        Tied() {
            registerParameter("unembed", emb.weight(), ParameterKind.EMBEDDING);
        }
    }

    @Test
    void parametersAreNamedByDottedPathInRegistrationOrder() {
        TinyModel m = new TinyModel(1);
        List<String> names = List.copyOf(m.namedParameters().keySet());
        assertEquals(List.of(
                "tok.weight",
                "blocks.0.ln1.weight", "blocks.0.ln1.bias",
                "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias",
                "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias",
                "blocks.0.ln2.weight", "blocks.0.ln2.bias",
                "blocks.0.mlp.fc.weight", "blocks.0.mlp.fc.bias",
                "blocks.0.mlp.proj.weight", "blocks.0.mlp.proj.bias",
                "blocks.1.ln2.weight", "blocks.1.ln2.bias",
                "blocks.1.mlp.fc.weight", "blocks.1.mlp.fc.bias",
                "blocks.1.mlp.proj.weight", "blocks.1.mlp.proj.bias",
                "ln_f.weight", "ln_f.bias"), names);
        assertArrayEquals(new int[]{24, 8}, m.namedParameters().get("blocks.0.attn.qkv.weight").shape());
        assertTrue(m.parameters().stream().allMatch(Tensor::requiresGrad));
        long expected = 10 * 8 + (2 * 8 + 24 * 8 + 24 + 8 * 8 + 8 + 2 * 8 + 32 * 8 + 32 + 8 * 32 + 8)
                + (2 * 8 + 32 * 8 + 32 + 8 * 32 + 8) + 2 * 8;
        assertEquals(expected, m.numParameters());
        assertEquals(ParameterKind.EMBEDDING, m.parameterKinds().get("tok.weight"));
        assertEquals(ParameterKind.NORM, m.parameterKinds().get("blocks.0.ln1.weight"));
        assertEquals(ParameterKind.BIAS, m.parameterKinds().get("blocks.0.mlp.fc.bias"));
        assertEquals(ParameterKind.WEIGHT, m.parameterKinds().get("blocks.0.mlp.fc.weight"));
    }

    @Test
    void tiedTensorsAppearOnceAndLoadUnderEitherName() {
        Tied t = new Tied();
        // As in PyTorch, a module's own parameters come before its submodules'; the first name wins.
        assertEquals(List.of("unembed"), List.copyOf(t.namedParameters().keySet()));
        assertEquals(1, t.parameters().size());
        assertEquals(12, t.numParameters());
        float[] values = new float[12];
        values[5] = 7f;
        Module.LoadResult r = t.loadStateDict(Map.of("emb.weight", Tensor.of(values, 4, 3)), true);
        assertTrue(r.missingKeys().isEmpty());
        assertEquals(7f, t.emb.weight().toArray()[5]);
    }

    @Test
    void stateDictRoundTripReproducesTheModel() {
        TinyModel a = new TinyModel(1);
        TinyModel b = new TinyModel(2);
        assertFalse(equalValues(a.stateDict(), b.stateDict()));
        Module.LoadResult r = b.loadStateDict(a.stateDict(), true);
        assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
        assertTrue(equalValues(a.stateDict(), b.stateDict()));
        // Loaded in place: the tensors b's optimizer would hold are the same objects.
        assertTrue(b.namedParameters().get("tok.weight") == b.tok.weight());
        Tensor x = Tensor.of(new float[]{0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f}, 1, 8);
        assertArrayEquals(a.blocks.get(1).mlpHalf(x).toArray(), b.blocks.get(1).mlpHalf(x).toArray());
    }

    @Test
    void strictLoadNamesMissingAndUnexpectedKeysAndChangesNothing() {
        TinyModel a = new TinyModel(1);
        TinyModel b = new TinyModel(2);
        Map<String, Tensor> before = copies(b.stateDict());
        Map<String, Tensor> state = new LinkedHashMap<>(a.stateDict());
        state.remove("blocks.1.mlp.fc.bias");
        state.put("blocks.7.attn.qkv.weight", Tensor.zeros(1));
        var e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(state, true));
        assertTrue(e.getMessage().contains("missing keys [blocks.1.mlp.fc.bias]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected keys [blocks.7.attn.qkv.weight]"), e.getMessage());
        assertTrue(equalValues(before, b.stateDict()), "a failed strict load must not change the model");

        Module.LoadResult r = b.loadStateDict(state, false);
        assertEquals(List.of("blocks.1.mlp.fc.bias"), r.missingKeys());
        assertEquals(List.of("blocks.7.attn.qkv.weight"), r.unexpectedKeys());
        assertArrayEquals(a.tok.weight().toArray(), b.tok.weight().toArray());
        assertArrayEquals(before.get("blocks.1.mlp.fc.bias").toArray(),
                b.namedParameters().get("blocks.1.mlp.fc.bias").toArray());
    }

    @Test
    void shapeMismatchIsAnErrorNamingKeyAndShapes() {
        TinyModel b = new TinyModel(2);
        Map<String, Tensor> state = new LinkedHashMap<>(new TinyModel(1).stateDict());
        state.put("ln_f.bias", Tensor.zeros(9));
        var e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(state, false));
        assertTrue(e.getMessage().contains("'ln_f.bias'") && e.getMessage().contains("[9]")
                && e.getMessage().contains("[8]"), e.getMessage());
    }

    @Test
    void trainEvalReachesEverySubmoduleAndZeroGradClearsGradients() {
        TinyModel m = new TinyModel(3);
        assertTrue(m.blocks.get(0).attn().isTraining());
        m.eval();
        assertTrue(m.namedModules().values().stream().noneMatch(Module::isTraining));
        m.train();
        assertTrue(m.namedModules().values().stream().allMatch(Module::isTraining));

        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 1, 8);
        m.lnF.forward(x).sum().backward();
        assertTrue(m.lnF.weight().grad() != null);
        m.zeroGrad();
        assertNull(m.lnF.weight().grad());
    }

    @Test
    void registrationRejectsBadAndDuplicateNames() {
        class Bad extends Module {
            void add(String name) {
                registerParameter(name, Tensor.zeros(1), ParameterKind.WEIGHT);
            }
        }
        Bad bad = new Bad();
        bad.add("w");
        assertThrows(IllegalArgumentException.class, () -> bad.add("w"));
        assertThrows(IllegalArgumentException.class, () -> bad.add("a.b"));
        assertThrows(IllegalArgumentException.class, () -> bad.add(""));
    }

    @Test
    void summaryListsEveryParameter() {
        String s = new TinyModel(1).summary();
        assertTrue(s.contains("blocks.0.attn.qkv.weight [24, 8]"), s);
        assertNotEquals(-1, s.indexOf("total "));
    }

    static Map<String, Tensor> copies(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    static boolean equalValues(Map<String, Tensor> a, Map<String, Tensor> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            if (!java.util.Arrays.equals(a.get(k).toArray(), b.get(k).toArray())) {
                return false;
            }
        }
        return true;
    }
}
