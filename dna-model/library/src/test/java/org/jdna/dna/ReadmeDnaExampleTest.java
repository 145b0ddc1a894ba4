package org.jdna.dna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.optim.GradClip;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The README's "embed a DNA in your code" example, kept compiling and true. */
class ReadmeDnaExampleTest {

    @Test
    @SuppressWarnings("try") // the memory scope is only closed
    void aDnaTrainsInYourOwnLoop() {
        // README example starts
        ModelConfig config = ConfigLoader.load("dna-top2", null, List.of(
                "model.width=32", "model.heads=2", "model.mlpHidden=64", "model.context=16")).model();
        DnaModel model = new DnaModel(config, 42);
        AdamW optimizer = new AdamW(model, AdamW.Options.defaults().withLr(3e-3));

        byte[] text = "the cat sat on the mat. the cat sat on the mat. ".repeat(4).getBytes();
        int batch = 2, T = config.context();
        int[] tokens = new int[batch * T], targets = new int[batch * T];   // (B, T), next byte
        for (int i = 0; i < batch * T; i++) {
            tokens[i] = text[i] & 0xFF;
            targets[i] = text[i + 1] & 0xFF;
        }
        float first = 0, last = 0;
        for (int step = 0; step < 40; step++) {
            try (MemoryScope scope = MemoryScope.open()) {
                optimizer.zeroGrad();
                ModelOutput out = model.forwardTokens(tokens, batch);           // logits (B*T, 256)
                Tensor loss = Losses.crossEntropy(out.logits(), targets, -1);
                loss.backward();
                GradClip.clipGlobalNorm(model.parameters(), 1.0);
                optimizer.step();
                model.afterOptimizerStep(out.trace());                          // identity-bias controller
                if (step == 0) first = loss.item();
                last = loss.item();
                // out.trace(): every token's modules and weights per routed step, for your own analysis
            }
        }
        // README example ends
        assertTrue(last < 0.6 * first, "loss " + first + " -> " + last);
        assertEquals(config.routedSteps(), model.forwardTokens(tokens, batch).trace().steps().size());
    }
}
