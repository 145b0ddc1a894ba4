package org.jdna.dna.model;

import org.jdna.dna.config.ModelConfig;
import org.jdna.engine.nn.Module;
import org.jdna.engine.tensor.Rng;

/**
 * The routers of the routed steps, named by step ({@code routers.s.*}); a forced step (one allowed
 * module, see {@link ModelConfig#isForcedStep}) has none. Router s scores the step's allowed modules
 * in the order {@link ModelConfig#allowedModules} gives them.
 */
final class StepRouters extends Module {
    private final Router[] routers;

    StepRouters(ModelConfig config, Rng rng) {
        routers = new Router[config.routedSteps()];
        for (int s = 0; s < routers.length; s++) {
            if (!config.isForcedStep(s)) {
                routers[s] = registerModule(Integer.toString(s), new Router(config.width(),
                        config.allowedModules(s).length, config.routerInput(), (float) config.normEps(),
                        config.routerHidden(), rng));
            }
        }
    }

    /** The router of step s, or null for a forced step. */
    Router get(int step) { return routers[step]; }

    /** True when no step has a router. */
    boolean allForced() {
        for (Router r : routers) {
            if (r != null) {
                return false;
            }
        }
        return true;
    }

    void initWeights(double std, Rng rng) {
        for (Router r : routers) {
            if (r != null) {
                r.initWeights(std, rng);
            }
        }
    }
}
