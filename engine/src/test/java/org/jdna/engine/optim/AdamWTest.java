package org.jdna.engine.optim;

import static org.jdna.engine.optim.OptimTestSupport.descend;
import static org.jdna.engine.optim.OptimTestSupport.named;
import static org.jdna.engine.optim.OptimTestSupport.param;
import static org.jdna.engine.optim.OptimTestSupport.setGrad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jdna.engine.nn.LayerNorm;
import org.jdna.engine.nn.Linear;
import org.jdna.engine.nn.Module;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AdamWTest {
    private static final AdamW.Options OPTS = new AdamW.Options(0.1, 0.9, 0.999, 1e-8, 0.01);

    @Test
    void firstStepMatchesTheHandComputedValue() {
        // m = 0.1*g, v = 0.001*g^2, bias-corrected m^ = g, v^ = g^2, so the step is lr*(g/(|g|+eps) + wd*p).
        Tensor p = param(1f, -2f);
        setGrad(p, 0.5f, 0.1f);
        new AdamW(named(p), OPTS, name -> true).step();
        assertEquals(1 - 0.1 * (0.5 / (0.5 + 1e-8) + 0.01 * 1), p.toArray()[0], 1e-6);   // 0.899
        assertEquals(-2 - 0.1 * (0.1 / (0.1 + 1e-8) + 0.01 * -2), p.toArray()[1], 1e-6); // -2.098
    }

    @Test
    void twoStepsFollowTheAdamWFormulaInDouble() {
        float[] p0 = {0.3f, -0.7f, 1.2f};
        float[][] grads = {{0.2f, -0.5f, 0.05f}, {-0.1f, -0.4f, 0.3f}};
        Tensor p = param(p0.clone());
        AdamW opt = new AdamW(named(p), OPTS, name -> false);   // no decay
        double[] m = new double[3];
        double[] v = new double[3];
        double[] expected = {p0[0], p0[1], p0[2]};
        for (int t = 1; t <= 2; t++) {
            setGrad(p, grads[t - 1]);
            opt.step();
            for (int i = 0; i < 3; i++) {
                double g = grads[t - 1][i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double mh = m[i] / (1 - Math.pow(0.9, t));
                double vh = v[i] / (1 - Math.pow(0.999, t));
                expected[i] -= 0.1 * mh / (Math.sqrt(vh) + 1e-8);
            }
        }
        float[] got = p.toArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], got[i], 1e-5, "element " + i);
        }
        assertEquals(2, opt.stepCount());
    }

    @Test
    void reducesAQuadraticLoss() {
        Rng rng = new Rng(1);
        Tensor p = Tensor.randn(rng, 1f, 10).requiresGrad(true);
        Tensor target = Tensor.randn(rng, 1f, 10);
        double[] losses = descend(new AdamW(named(p), OPTS.withWeightDecay(0), n -> true), p, target, 200);
        assertTrue(losses[1] < 1e-3 * losses[0], "loss went from " + losses[0] + " to " + losses[1]);
    }

    @Test
    void moduleRuleDecaysOnlyLinearWeights() {
        class Net extends Module {
            final Linear lin = registerModule("lin", new Linear(3, 3, true, new Rng(0)));
            final LayerNorm ln = registerModule("ln", new LayerNorm(3));
        }
        AdamW opt = new AdamW(new Net(), OPTS);
        assertTrue(opt.decays("lin.weight"));
        assertFalse(opt.decays("lin.bias"));
        assertFalse(opt.decays("ln.weight"));
        assertFalse(opt.decays("ln.bias"));
        // With a zero gradient only decayed parameters move: p -= lr * wd * p.
        Net net = new Net();
        AdamW o2 = new AdamW(net, OPTS);
        net.namedParameters().values().forEach(t -> t.accumulateGrad(Tensor.zeros(t.shape())));
        float[] w = net.lin.weight().toArray();
        float[] b = net.lin.bias().toArray();
        o2.step();
        assertEquals(w[0] * (1 - 0.1 * 0.01), net.lin.weight().toArray()[0], 1e-7);
        assertArrayEquals(b, net.lin.bias().toArray());
    }

    @Test
    void parametersWithoutGradientAreLeftAlone() {
        Tensor a = param(1f);
        Tensor b = param(2f);
        AdamW opt = new AdamW(named(a, b), OPTS, n -> true);
        setGrad(a, 1f);
        opt.step();
        assertEquals(2f, b.toArray()[0]);
        assertTrue(opt.stateDict().tensors().containsKey("p0.exp_avg"));
        assertFalse(opt.stateDict().tensors().containsKey("p1.exp_avg"));
    }

    @Test
    void stateDictResumesBitIdentically() {
        Rng rng = new Rng(3);
        float[] init = Tensor.randn(rng, 1f, 6).toArray();
        float[][] grads = new float[5][];
        for (int s = 0; s < 5; s++) {
            grads[s] = Tensor.randn(rng, 1f, 6).toArray();
        }
        Tensor p = param(init.clone());
        AdamW opt = new AdamW(named(p), OPTS, n -> true);
        for (int s = 0; s < 3; s++) {
            setGrad(p, grads[s]);
            opt.step();
        }
        OptimizerState saved = opt.stateDict();
        Tensor q = param(p.toArray());
        AdamW resumed = new AdamW(named(q), OPTS, n -> true);
        resumed.loadStateDict(saved);
        assertEquals(3, resumed.stepCount());
        for (int s = 3; s < 5; s++) {
            setGrad(p, grads[s]);
            opt.step();
            setGrad(q, grads[s]);
            resumed.step();
        }
        assertArrayEquals(p.toArray(), q.toArray());
    }

    @Test
    void loadingForeignStateNamesTheProblem() {
        Tensor p = param(1f, 2f);
        AdamW opt = new AdamW(named(p), OPTS, n -> true);
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("p0.exp_avg", Tensor.zeros(3));
        bad.put("p0.exp_avg_sq", Tensor.zeros(2));
        bad.put("p0.step", Tensor.scalar(1));
        bad.put("nope.exp_avg", Tensor.zeros(2));
        var e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(new OptimizerState(1, bad)));
        assertTrue(e.getMessage().contains("'p0.exp_avg': state [3] vs parameter [2]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected 'nope.exp_avg'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> opt.setLr(-1));
    }
}
