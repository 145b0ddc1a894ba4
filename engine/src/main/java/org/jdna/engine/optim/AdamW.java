package org.jdna.engine.optim;

import java.util.Map;
import java.util.function.Predicate;

import org.jdna.engine.nn.Module;
import org.jdna.engine.nn.ParameterKind;
import org.jdna.engine.tensor.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), on the backend's fused
 * {@link org.jdna.engine.backend.OptimizerKernels#adamw} primitive. Weight decay applies only to the
 * parameters a predicate selects; built from a {@link Module}, that is the {@link ParameterKind#WEIGHT}
 * parameters (no decay on biases, norm gains or embeddings). Bias correction uses each parameter's
 * own update count, as PyTorch does.
 */
public final class AdamW extends AbstractOptimizer {

    /** Hyperparameters; the defaults are PyTorch's (lr 1e-3, betas 0.9/0.999, eps 1e-8, wd 0.01). */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay) {
        public Options {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("AdamW: betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("AdamW: need eps > 0 and weightDecay >= 0, got eps=" + eps
                        + " weightDecay=" + weightDecay);
            }
        }

        public static Options defaults() {
            return new Options(1e-3, 0.9, 0.999, 1e-8, 0.01);
        }

        public Options withLr(double v) { return new Options(v, beta1, beta2, eps, weightDecay); }

        public Options withBetas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay); }

        public Options withEps(double v) { return new Options(lr, beta1, beta2, v, weightDecay); }

        public Options withWeightDecay(double v) { return new Options(lr, beta1, beta2, eps, v); }
    }

    private final Options options;
    private final boolean[] decays;

    /** Decays the parameters whose name {@code decay} accepts. */
    public AdamW(Map<String, Tensor> namedParams, Options options, Predicate<String> decay) {
        super("AdamW", namedParams, options.lr(), "exp_avg", "exp_avg_sq");
        this.options = options;
        this.decays = new boolean[namedParams.size()];
        int i = 0;
        for (String name : namedParams.keySet()) {
            decays[i++] = decay.test(name);
        }
    }

    /** All of the module's parameters; decay only on {@link ParameterKind#WEIGHT}. */
    public AdamW(Module module, Options options) {
        this(module.namedParameters(), options, decayWeightsOf(module));
    }

    /** The default rule for a module: decay iff the parameter's kind decays. */
    public static Predicate<String> decayWeightsOf(Module module) {
        Map<String, ParameterKind> kinds = module.parameterKinds();
        return name -> kinds.getOrDefault(name, ParameterKind.WEIGHT).decays();
    }

    @Override
    protected void update(int i, Tensor p, Tensor g, Tensor[] s, long update) {
        if (update > Integer.MAX_VALUE) {
            throw new IllegalStateException("AdamW: update count of '" + nameOf(i) + "' overflows int");
        }
        p.backend().optimizer().adamw(p.storage(), s[0].storage(), s[1].storage(), g.storage(), p.numel(),
                (float) lr(), (float) options.beta1(), (float) options.beta2(), (float) options.eps(),
                decays[i] ? (float) options.weightDecay() : 0f, (int) update);
    }

    public Options options() { return options; }

    /** Whether the parameter named {@code name} gets weight decay. */
    public boolean decays(String name) {
        int i = 0;
        for (String n : parameters().keySet()) {
            if (n.equals(name)) {
                return decays[i];
            }
            i++;
        }
        throw new IllegalArgumentException("AdamW: no parameter named '" + name + "'");
    }
}
