package org.jdna.engine.autograd;

import org.jdna.engine.tensor.Tensor;

/** One recorded op on the tape: its name (for error messages), its inputs and its gradient rule. */
public record Node(String op, Tensor[] inputs, Backward backward) {
}
