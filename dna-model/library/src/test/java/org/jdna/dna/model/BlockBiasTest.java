package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.ModelConfig;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** model.bias = false: the blocks (backbone and pool) have no bias vectors; the model still trains. */
@ExtendWith(ReferenceBackendExtension.class)
class BlockBiasTest {
    @Test
    void withoutBiasTheBlocksHaveNoBiasVectors() {
        ModelConfig withBias = ModelConfigs.language().pool("transformer:2,mlp:1").build();
        ModelConfig without = withBias.with(ModelConfig.BIAS, false);
        DnaModel a = new DnaModel(withBias, 3);
        DnaModel b = new DnaModel(without, 3);
        long blockBiases = a.namedParameters().entrySet().stream()
                .filter(e -> e.getKey().matches("(backbone|pool)\\..*\\.bias"))
                .mapToLong(e -> e.getValue().numel()).sum();
        assertTrue(blockBiases > 0);
        assertEquals(a.numParameters() - blockBiases, b.numParameters());
        assertFalse(b.namedParameters().keySet().stream().anyMatch(k -> k.matches("(backbone|pool)\\..*\\.bias")),
                b.namedParameters().keySet().toString());

        int[] tokens = SpecialCasesTest.tokens(new Rng(4), withBias.vocabSize());
        ModelOutput out = b.forwardTokens(tokens, 2);
        Tensor loss = Losses.crossEntropy(out.logits(), Arrays.copyOf(tokens, tokens.length), -1);
        assertTrue(Float.isFinite(loss.item()));
        loss.backward();
        assertNotNull(b.namedParameters().get("backbone.0.mlp.fc.weight").grad());
    }

    @Test
    void setByNameAndDefaultForOlderConfigs() {
        assertFalse(ConfigLoader.load("dense", null, List.of("model.bias=false")).model().bias());
        assertTrue(ConfigLoader.load("dense", null, List.of()).model().bias());
    }
}
