package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.ReadmeSnippets;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

// README example starts
// 2 inputs -> 16 tanh units -> 2 logits; learns XOR
final class XorNet extends Module {
    final Linear hidden, out;

    XorNet(Rng rng) {
        hidden = registerModule("hidden", new Linear(2, 16, true, rng));
        out = registerModule("out", new Linear(16, 2, true, rng));
    }

    Tensor forward(Tensor x) { return out.forward(hidden.forward(x).tanh()); }
}
// README example ends

/**
 * The README's engine example, kept compiling and true: a tensor, a small MLP, training steps. The README shows
 * exactly the lines between the markers (the class above and the loop in the test), with these imports.
 */
class ReadmeExampleTest {
    private static final String SOURCE = "engine/src/test/java/org/jdna/engine/nn/ReadmeExampleTest.java";

    @Test
    @SuppressWarnings("try") // the no-grad and memory scopes are only closed
    void smallMlpLearnsXor() {
        // README example starts
        Tensor x = Tensor.of(new float[]{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);      // (4, 2)
        int[] labels = {0, 1, 1, 0};
        XorNet net = new XorNet(new Rng(42));
        AdamW optimizer = new AdamW(net, AdamW.Options.defaults().withLr(0.05));
        for (int step = 0; step < 300; step++) {
            try (MemoryScope scope = MemoryScope.open()) {   // the step's tensors go back to the pool at its end
                optimizer.zeroGrad();
                Tensor loss = Losses.crossEntropy(net.forward(x), labels, -1);   // ignore index -1
                loss.backward();
                optimizer.step();
            }
        }
        // README example ends

        try (var noGrad = GradMode.disabled()) {
            float loss = Losses.crossEntropy(net.forward(x), labels, -1).item();
            assertTrue(loss < 0.05, "XOR loss after 300 steps: " + loss);
            float[] logits = net.forward(x).toArray();                         // (4, 2)
            for (int i = 0; i < 4; i++) {
                int predicted = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
                assertEquals(labels[i], predicted, "row " + i);
            }
        }
    }

    @Test
    void theReadmeShowsThisExample() {
        ReadmeSnippets.assertReadmeShows("class XorNet", SOURCE);
    }
}
