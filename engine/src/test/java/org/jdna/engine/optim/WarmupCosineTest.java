package org.jdna.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class WarmupCosineTest {

    @Test
    void valuesAtKeySteps() {
        WarmupCosine s = new WarmupCosine(1.0, 0.1, 10, 110);
        assertEquals(0.1, s.lr(0), 1e-12);          // (0+1)/10 of max
        assertEquals(0.5, s.lr(4), 1e-12);
        assertEquals(1.0, s.lr(9), 1e-12);          // warmup ends at max
        assertEquals(1.0, s.lr(10), 1e-12);         // cosine starts at max
        assertEquals(0.55, s.lr(60), 1e-12);        // halfway: (max + min) / 2
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.lr(35), 1e-12);
        assertEquals(0.1, s.lr(110), 1e-12);
        assertEquals(0.1, s.lr(10_000), 1e-12);
        assertEquals(2.0, new WarmupCosine(2.0, 0, 0, 100).lr(0), 1e-12);
    }

    @Test
    void rejectsBadArgumentsAndSetsTheOptimizerRate() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(0.1, 1.0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(1, 0, 20, 10));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(1, 0, 0, 10).lr(-1));
        Sgd opt = new Sgd(Map.of("p", Tensor.zeros(1).requiresGrad(true)), Sgd.Options.plain(5));
        new WarmupCosine(1.0, 0.1, 10, 110).apply(opt, 60);
        assertEquals(0.55, opt.lr(), 1e-12);
    }
}
