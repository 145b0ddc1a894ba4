package org.jdna.engine.backend;

/** Elementwise functions of two inputs. Comparisons write 1.0f for true and 0.0f for false. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, EQ, GT, LT
}
