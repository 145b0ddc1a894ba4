package org.jdna.engine.optim;

import static org.jdna.engine.optim.OptimTestSupport.descend;
import static org.jdna.engine.optim.OptimTestSupport.named;
import static org.jdna.engine.optim.OptimTestSupport.param;
import static org.jdna.engine.optim.OptimTestSupport.setGrad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SgdTest {

    @Test
    void plainStepIsMinusLrTimesGradient() {
        Tensor p = param(1f, 2f);
        setGrad(p, 0.5f, -1f);
        new Sgd(named(p), Sgd.Options.plain(0.1)).step();
        assertArrayEquals(new float[]{0.95f, 2.1f}, p.toArray(), 1e-7f);
    }

    @Test
    void momentumAndNesterovFollowPyTorch() {
        // g = 1 each step, lr 0.1, momentum 0.9.
        // momentum: buf 1 -> 1.9; p 1 -> 0.9 -> 0.71.  Nesterov: d = g + 0.9*buf: 1.9, 2.71; p 0.81, 0.539.
        Tensor a = param(1f);
        Tensor b = param(1f);
        Sgd heavy = new Sgd(named(a), Sgd.Options.momentum(0.1, 0.9));
        Sgd nesterov = new Sgd(named(b), Sgd.Options.momentum(0.1, 0.9).withNesterov(true));
        float[] expectA = {0.9f, 0.71f};
        float[] expectB = {0.81f, 0.539f};
        for (int s = 0; s < 2; s++) {
            setGrad(a, 1f);
            setGrad(b, 1f);
            heavy.step();
            nesterov.step();
            assertEquals(expectA[s], a.toArray()[0], 1e-6, "momentum step " + s);
            assertEquals(expectB[s], b.toArray()[0], 1e-6, "nesterov step " + s);
        }
    }

    @Test
    void weightDecayAddsToTheGradient() {
        Tensor p = param(2f);
        setGrad(p, 1f);
        new Sgd(named(p), Sgd.Options.plain(0.1).withWeightDecay(0.5)).step();
        assertEquals(2 - 0.1 * (1 + 0.5 * 2), p.toArray()[0], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Sgd.Options.plain(0.1).withNesterov(true));
    }

    @Test
    void reducesAQuadraticLoss() {
        Rng rng = new Rng(2);
        Tensor p = Tensor.randn(rng, 1f, 10).requiresGrad(true);
        Tensor target = Tensor.randn(rng, 1f, 10);
        double[] losses = descend(new Sgd(named(p), Sgd.Options.momentum(0.05, 0.9).withNesterov(true)), p, target, 100);
        assertTrue(losses[1] < 1e-4 * losses[0], "loss went from " + losses[0] + " to " + losses[1]);
    }

    @Test
    void stateDictResumesBitIdentically() {
        Tensor p = param(1f, -1f);
        Sgd opt = new Sgd(named(p), Sgd.Options.momentum(0.1, 0.9));
        setGrad(p, 0.3f, 0.2f);
        opt.step();
        Tensor q = param(p.toArray());
        Sgd resumed = new Sgd(named(q), Sgd.Options.momentum(0.1, 0.9));
        resumed.loadStateDict(opt.stateDict());
        setGrad(p, -0.1f, 0.4f);
        setGrad(q, -0.1f, 0.4f);
        opt.step();
        resumed.step();
        assertArrayEquals(p.toArray(), q.toArray());
    }
}
