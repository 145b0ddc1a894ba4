package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The README's engine example, kept compiling and true: a tensor, a small MLP, training steps. */
class ReadmeExampleTest {

    /** 2 inputs -> 16 tanh units -> 2 logits. */
    static final class XorNet extends Module {
        final Linear hidden;
        final Linear out;

        XorNet(Rng rng) {
            hidden = registerModule("hidden", new Linear(2, 16, true, rng));
            out = registerModule("out", new Linear(16, 2, true, rng));
        }

        Tensor forward(Tensor x) {
            return out.forward(hidden.forward(x).tanh());
        }
    }

    @Test
    @SuppressWarnings("try") // the no-grad and memory scopes are only closed
    void smallMlpLearnsXor() {
        Tensor x = Tensor.of(new float[]{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);   // (4, 2)
        int[] labels = {0, 1, 1, 0};
        XorNet net = new XorNet(new Rng(42));
        AdamW optimizer = new AdamW(net, AdamW.Options.defaults().withLr(0.05));

        float lastLoss = Float.NaN;
        for (int step = 0; step < 300; step++) {
            try (MemoryScope scope = MemoryScope.open()) {   // the step's tensors go back to the pool at its end
                optimizer.zeroGrad();
                Tensor loss = Losses.crossEntropy(net.forward(x), labels, -1);   // ignore index -1
                loss.backward();
                optimizer.step();
                lastLoss = loss.item();                      // read what you need inside, or scope.keep(loss)
            }
        }
        float loss = lastLoss;

        assertTrue(loss < 0.05, "XOR loss after 300 steps: " + loss);
        try (var noGrad = GradMode.disabled()) {
            float[] logits = net.forward(x).toArray();                         // (4, 2)
            for (int i = 0; i < 4; i++) {
                int predicted = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
                assertEquals(labels[i], predicted, "row " + i);
            }
        }
    }
}
