package org.jdna.cuda;

import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.UnaryOp;

/**
 * The integer op codes the kernels switch on (enums UnaryCode / BinaryCode in elementwise.cu,
 * OP_SUM / OP_MAX in reduce.cu). Explicit, not ordinal(): reordering an enum must not silently
 * change which function a kernel computes; a new constant fails to compile here.
 */
public final class OpCodes {
    private OpCodes() {
    }

    public static int of(UnaryOp op) {
        return switch (op) {
            case NEG -> 0;
            case EXP -> 1;
            case LOG -> 2;
            case SQRT -> 3;
            case TANH -> 4;
            case SIGMOID -> 5;
            case RELU -> 6;
            case GELU -> 7;
            case SILU -> 8;
            case ABS -> 9;
            case SQUARE -> 10;
            case RECIPROCAL -> 11;
            case ADD_SCALAR -> 12;
            case MUL_SCALAR -> 13;
            case POW_SCALAR -> 14;
        };
    }

    public static int of(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case MAXIMUM -> 4;
            case MINIMUM -> 5;
            case EQ -> 6;
            case GT -> 7;
            case LT -> 8;
        };
    }

    public static int of(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MAX -> 1;
        };
    }
}
