package org.jdna.engine.autograd;

import org.jdna.engine.tensor.Tensor;

/**
 * The whole autograd contract (micrograd's): an op makes its output and one of these closures,
 * which adds its local derivative times the output's gradient into each input, through
 * {@link Autograd#accumulate}. Closures run with gradient recording off and are written in
 * forward ops (or explicit backward primitives for the fused layers).
 */
@FunctionalInterface
public interface Backward {
    void apply(Tensor dout);
}
