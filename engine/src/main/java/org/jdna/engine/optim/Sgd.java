package org.jdna.engine.optim;

import java.util.Map;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.nn.Module;
import org.jdna.engine.tensor.Tensor;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and (coupled, L2) weight
 * decay, following PyTorch's update (dampening 0):
 * <pre>
 * d = g + wd * p
 * buf = d at the first update, else momentum * buf + d
 * d = nesterov ? d + momentum * buf : buf       (when momentum != 0)
 * p -= lr * d
 * </pre>
 */
public final class Sgd extends AbstractOptimizer {

    public record Options(double lr, double momentum, boolean nesterov, double weightDecay) {
        public Options {
            if (!(momentum >= 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("Sgd: momentum and weightDecay must be >= 0, got " + momentum
                        + ", " + weightDecay);
            }
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("Sgd: Nesterov momentum needs momentum > 0");
            }
        }

        public static Options plain(double lr) {
            return new Options(lr, 0, false, 0);
        }

        public static Options momentum(double lr, double momentum) {
            return new Options(lr, momentum, false, 0);
        }

        public Options withNesterov(boolean on) { return new Options(lr, momentum, on, weightDecay); }

        public Options withWeightDecay(double v) { return new Options(lr, momentum, nesterov, v); }
    }

    private final Options options;

    public Sgd(Map<String, Tensor> namedParams, Options options) {
        super("Sgd", namedParams, options.lr(), options.momentum() != 0 ? new String[]{"momentum_buffer"} : new String[0]);
        this.options = options;
    }

    public Sgd(Module module, Options options) {
        this(module.namedParameters(), options);
    }

    @Override
    protected void update(int i, Tensor p, Tensor g, Tensor[] s, long update) {
        Backend be = p.backend();
        int n = p.numel();
        Tensor d = g;
        if (options.weightDecay() != 0) {
            d = g.copy().addInPlace(p, (float) options.weightDecay());
        }
        if (options.momentum() != 0) {
            Tensor buf = s[0];
            if (update == 1) {
                be.copy(buf.storage(), 0, d.storage(), 0, n);
            } else {
                be.elementwise().unary(UnaryOp.MUL_SCALAR, buf.storage(), buf.storage(), n, (float) options.momentum());
                buf.addInPlace(d, 1f);
            }
            if (options.nesterov()) {
                d = (d == g ? g.copy() : d).addInPlace(buf, (float) options.momentum());
            } else {
                d = buf;
            }
        }
        p.addInPlace(d, (float) -lr());
    }

    public Options options() { return options; }
}
