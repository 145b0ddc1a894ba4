package org.jdna.dna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.ReadmeSnippets;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.optim.GradClip;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The README's "embed a DNA in your own code" example, kept compiling and true, against the library alone: this
 * module's test class path holds the library, the engine and Jackson, and no fast backend (the example runs on the
 * reference backend). The README shows exactly the lines between the markers below, with these imports.
 */
class ReadmeDnaExampleTest {
    private static final String SOURCE = "dna-model/library/src/test/java/org/jdna/dna/ReadmeDnaExampleTest.java";

    @Test
    @SuppressWarnings("try") // the no-grad and memory scopes are only closed
    void aDnaTrainsInYourOwnLoop() {
        // README example starts
        ModelConfig config = ConfigLoader.load("dna-top2", null, List.of(
                "model.width=32", "model.heads=2", "model.mlpHidden=64", "model.context=16")).model();
        DnaModel model = new DnaModel(config, 42);                          // same seed, same weights
        AdamW optimizer = new AdamW(model, AdamW.Options.defaults().withLr(3e-3));

        byte[] text = "the cat sat on the mat. ".repeat(8).getBytes();
        int batch = 2, T = config.context();
        int[] tokens = new int[batch * T], targets = new int[batch * T];   // (B, T): a byte, the next byte
        for (int i = 0; i < batch * T; i++) {
            tokens[i] = text[i] & 0xFF;
            targets[i] = text[i + 1] & 0xFF;
        }
        for (int step = 0; step < 40; step++) {
            try (MemoryScope scope = MemoryScope.open()) {                  // the step's tensors go back to the pool
                optimizer.zeroGrad();
                ModelOutput out = model.forwardTokens(tokens, batch);       // logits (B*T, 256)
                Tensor loss = Losses.crossEntropy(out.logits(), targets, -1);
                loss.backward();
                GradClip.clipGlobalNorm(model.parameters(), 1.0);
                optimizer.step();
                model.afterOptimizerStep(out.trace());                      // identity-bias controller
            }
        }
        // out.trace(): every token's modules and weights per routed step; model.account(trace): params, FLOPs
        // README example ends
        try (var noGrad = GradMode.disabled()) {
            ModelOutput out = model.forwardTokens(tokens, batch);
            float loss = Losses.crossEntropy(out.logits(), targets, -1).item();
            double uniform = Math.log(256);                                 // the loss of a uniform guess
            assertTrue(loss < 0.6 * uniform, "loss after 40 steps " + loss + ", uniform guess " + uniform);
            assertEquals(config.routedSteps(), out.trace().steps().size());
        }
    }

    @Test
    void theReadmeShowsThisExample() {
        ReadmeSnippets.assertReadmeShows("new DnaModel(", SOURCE);
    }

    @Test
    void noFastBackendIsOnThisClassPath() {
        assertFalse(onClassPath("org.jdna.simd.SimdBackend"), "the example must run against the library alone");
        assertFalse(onClassPath("org.jdna.cuda.CudaBackend"), "the example must run against the library alone");
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, ReadmeDnaExampleTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
