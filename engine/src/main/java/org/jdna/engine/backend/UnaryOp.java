package org.jdna.engine.backend;

/**
 * Elementwise functions of one input. {@code alpha} is the scalar operand of the *_SCALAR ops and
 * ignored by the others. GELU is the tanh approximation used by GPT-2.
 */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, TANH, SIGMOID, RELU, GELU, SILU, ABS, SQUARE, RECIPROCAL,
    /** x + alpha */ ADD_SCALAR,
    /** x * alpha */ MUL_SCALAR,
    /** x ^ alpha (x > 0 unless alpha is an integer) */ POW_SCALAR
}
