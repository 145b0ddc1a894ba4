package org.jdna.engine.ops;

import java.util.Arrays;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.tensor.Tensor;

/**
 * Argument checks shared by the ops. Every failure is an {@link IllegalArgumentException} whose
 * message starts with the op's name and gives the shapes or values involved.
 */
public final class OpChecks {
    private OpChecks() {
    }

    /** The common backend of the non-null tensors, or an error naming each tensor's backend. */
    public static Backend sameBackend(String op, Tensor... tensors) {
        Backend be = null;
        for (Tensor t : tensors) {
            if (t == null) {
                continue;
            }
            if (be == null) {
                be = t.backend();
            } else if (t.backend() != be) {
                StringBuilder sb = new StringBuilder(op).append(": tensors live on different backends:");
                for (Tensor u : tensors) {
                    if (u != null) {
                        sb.append(' ').append(u.shapeString()).append(" on '").append(u.backend().name()).append('\'');
                    }
                }
                throw new IllegalArgumentException(sb.append("; move them with Tensor.to(backend)").toString());
            }
        }
        if (be == null) {
            throw new IllegalArgumentException(op + ": no input tensor");
        }
        return be;
    }

    public static void notNull(String op, String what, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(op + ": " + what + " is null");
        }
    }

    /** Requires rank exactly {@code rank}. */
    public static void rank(String op, String what, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must have rank " + rank + ", got shape " + t.shapeString());
        }
    }

    /** Requires rank at least {@code min}. */
    public static void minRank(String op, String what, Tensor t, int min) {
        if (t.rank() < min) {
            throw new IllegalArgumentException(op + ": " + what + " must have rank >= " + min + ", got shape " + t.shapeString());
        }
    }

    /** Requires an exact shape. */
    public static void shape(String op, String what, Tensor t, int... expected) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(op + ": " + what + " must have shape " + Arrays.toString(expected)
                    + ", got " + t.shapeString());
        }
    }

    /** Requires every index in [0, bound); {@code what} names the index array. */
    public static void indices(String op, String what, int[] idx, int bound) {
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= bound) {
                throw new IllegalArgumentException(op + ": " + what + "[" + i + "] = " + idx[i] + " is out of range [0, "
                        + bound + ")");
            }
        }
    }

    /** Product of shape[from .. to). */
    static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}
