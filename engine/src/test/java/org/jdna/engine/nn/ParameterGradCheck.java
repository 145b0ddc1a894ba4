package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.function.Supplier;

import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.tensor.Tensor;

/**
 * Finite-difference check of every parameter's gradient: central differences of a scalar loss,
 * element by element, against the gradient from one backward pass. Tolerance |fd - analytic| <=
 * abs + rel * |fd|; a failure names the parameter, the first bad index and the largest difference.
 */
final class ParameterGradCheck {
    private ParameterGradCheck() {
    }

    static void check(Map<String, Tensor> params, Supplier<Tensor> loss, double step, double abs, double rel) {
        params.values().forEach(Tensor::zeroGrad);
        loss.get().backward();
        for (var e : params.entrySet()) {
            Tensor p = e.getValue();
            if (p.grad() == null) {
                fail("no gradient reached parameter '" + e.getKey() + "'");
            }
            float[] analytic = p.grad().toArray();
            float[] values = p.toArray();
            int firstBad = -1;
            double worst = 0;
            int worstIndex = -1;
            double worstFd = 0;
            for (int i = 0; i < values.length; i++) {
                float original = values[i];
                double plus;
                double minus;
                try (var ignored = GradMode.disabled()) {
                    values[i] = (float) (original + step);
                    p.set(values);
                    plus = loss.get().item();
                    values[i] = (float) (original - step);
                    p.set(values);
                    minus = loss.get().item();
                }
                values[i] = original;
                p.set(values);
                double fd = (plus - minus) / (2 * step);
                double diff = Math.abs(fd - analytic[i]);
                if (diff > abs + rel * Math.abs(fd)) {
                    if (firstBad < 0) {
                        firstBad = i;
                    }
                    if (diff > worst) {
                        worst = diff;
                        worstIndex = i;
                        worstFd = fd;
                    }
                }
            }
            if (firstBad >= 0) {
                fail("gradient of '" + e.getKey() + "' " + p.shapeString() + " disagrees with finite differences: first bad index "
                        + firstBad + "; largest difference " + worst + " at index " + worstIndex + " (fd " + worstFd
                        + ", analytic " + analytic[worstIndex] + ")");
            }
        }
    }
}
