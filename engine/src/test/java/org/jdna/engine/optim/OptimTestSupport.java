package org.jdna.engine.optim;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jdna.engine.tensor.Tensor;

/** Small helpers: parameters with hand-set gradients and a quadratic bowl. */
final class OptimTestSupport {
    private OptimTestSupport() {
    }

    static Tensor param(float... values) {
        return Tensor.of(values, values.length).requiresGrad(true);
    }

    static void setGrad(Tensor p, float... g) {
        p.zeroGrad();
        p.accumulateGrad(Tensor.of(g, g.length));
    }

    static Map<String, Tensor> named(Tensor... params) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i++) {
            out.put("p" + i, params[i]);
        }
        return out;
    }

    /** loss = sum((p - target)^2), with p's gradient filled by backward. */
    static double quadraticStep(Tensor p, Tensor target) {
        p.zeroGrad();
        Tensor loss = p.sub(target).square().sum();
        loss.backward();
        return loss.item();
    }

    /** Runs {@code steps} optimizer steps on the bowl; returns {first loss, last loss}. */
    static double[] descend(Optimizer opt, Tensor p, Tensor target, int steps) {
        double first = quadraticStep(p, target);
        double last = first;
        for (int s = 0; s < steps; s++) {
            opt.step();
            last = quadraticStep(p, target);
        }
        return new double[]{first, last};
    }
}
