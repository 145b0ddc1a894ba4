package org.jdna.engine.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jdna.engine.tensor.Tensor;

/**
 * An optimizer's checkpointable state: the number of steps taken and its per-parameter tensors by
 * name ({@code "<parameter name>.<slot>"}, e.g. {@code "blocks.0.attn.qkv.weight.exp_avg"}).
 */
public record OptimizerState(long step, Map<String, Tensor> tensors) {
    public OptimizerState {
        if (step < 0) {
            throw new IllegalArgumentException("OptimizerState: step must be >= 0, got " + step);
        }
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }
}
