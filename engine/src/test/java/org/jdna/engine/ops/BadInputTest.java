package org.jdna.engine.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/** Bad input fails early with a message naming the op and the shapes or values. */
@ExtendWith(ReferenceBackendExtension.class)
class BadInputTest {
    private static void fails(Class<? extends RuntimeException> type, Executable call, String... fragments) {
        RuntimeException e = assertThrows(type, call);
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    "message should contain '" + f + "': " + e.getMessage());
        }
    }

    private static final Class<IllegalArgumentException> BAD_ARG = IllegalArgumentException.class;
    private static final Class<IllegalStateException> BAD_STATE = IllegalStateException.class;

    @Test
    void shapeMismatch() {
        Tensor a = Tensor.zeros(2, 3);
        fails(BAD_ARG, () -> Elementwise.add(a, Tensor.zeros(4)), "add", "[2, 3]", "[4]");
        fails(BAD_ARG, () -> Elementwise.where(Tensor.zeros(5), a, a), "where", "[5]");
        fails(BAD_ARG, () -> Elementwise.maskedFill(a, Tensor.zeros(2, 2, 3), 0f), "maskedFill", "[2, 2, 3]");
        fails(BAD_ARG, () -> LinearAlgebra.matmul(a, Tensor.zeros(2, 3)), "matmul", "[2, 3]", "3 vs 2");
        fails(BAD_ARG, () -> LinearAlgebra.matmul(Tensor.zeros(2, 2, 3), Tensor.zeros(3, 3, 1)), "matmul", "batch", "[2, 2, 3]", "[3, 3, 1]");
        fails(BAD_ARG, () -> LinearAlgebra.linear(a, Tensor.zeros(4, 2), null), "linear", "[2, 3]", "[4, 2]");
        fails(BAD_ARG, () -> LinearAlgebra.linear(a, Tensor.zeros(4, 3), Tensor.zeros(3)), "linear", "bias", "[4]", "[3]");
        fails(BAD_ARG, () -> ShapeOps.reshape(a, 4, 2), "reshape", "[2, 3]", "[4, 2]");
        fails(BAD_ARG, () -> ShapeOps.concat(0, a, Tensor.zeros(2, 4)), "concat", "[2, 3]", "[2, 4]");
        fails(BAD_ARG, () -> ShapeOps.expand(a, 3, 3), "expand", "[2, 3]", "[3, 3]");
        fails(BAD_ARG, () -> ShapeOps.permute(a, 0, 0), "permute", "[0, 0]", "[2, 3]");
        fails(BAD_ARG, () -> Normalization.layerNorm(a, Tensor.zeros(4), null, 1e-5f), "layerNorm", "weight", "[4]", "[3]");
        fails(BAD_ARG, () -> Normalization.rmsNorm(a, Tensor.zeros(2), 1e-5f), "rmsNorm", "[2]");
        fails(BAD_ARG, () -> Losses.crossEntropy(a, new int[]{0, 1, 2}, -1), "crossEntropy", "3 targets", "[2, 3]");
        Tensor q = Tensor.zeros(4, 6);
        fails(BAD_ARG, () -> Attention.attention(q, Tensor.zeros(4, 4), q, new int[]{0, 4}, 2, true, null), "attention", "[4, 4]", "[4, 6]");
        fails(BAD_ARG, () -> Attention.attention(q, q, q, new int[]{0, 4}, 4, true, null), "attention", "4 heads", "[4, 6]");
        fails(BAD_ARG, () -> Attention.attention(q, q, q, new int[]{0, 3}, 2, true, null), "attention", "segments", "rows = 4");
        fails(BAD_ARG, () -> Attention.attention(q, q, q, new int[]{0, 2, 4}, 2, false, Tensor.zeros(3, 2, 2)), "attention", "mask", "[3, 2, 2]");
    }

    @Test
    void wrongRankOrAxis() {
        fails(BAD_ARG, () -> LinearAlgebra.matmul(Tensor.zeros(3), Tensor.zeros(3, 2)), "matmul", "rank", "[3]");
        fails(BAD_ARG, () -> Indexing.embedding(Tensor.zeros(3), new int[]{0}, 1), "embedding", "rank", "[3]");
        fails(BAD_ARG, () -> Attention.selfAttention(Tensor.zeros(4, 6), Tensor.zeros(4, 6), Tensor.zeros(4, 6), 2, true, null),
                "selfAttention", "rank 3", "[4, 6]");
        fails(BAD_ARG, () -> Softmax.softmax(Tensor.zeros(2, 3), 2), "softmax", "axis 2", "rank 2");
        fails(BAD_ARG, () -> Reductions.sum(Tensor.zeros(2, 3), false, 0, -2), "sum", "twice");
        fails(BAD_ARG, () -> ShapeOps.slice(Tensor.zeros(2, 3), 1, 2, 4), "slice", "[2, 4)", "[2, 3]");
    }

    @Test
    void outOfRangeIndex() {
        Tensor w = Tensor.zeros(4, 2);
        fails(BAD_ARG, () -> Indexing.embedding(w, new int[]{1, 4}, 2), "embedding", "ids[1] = 4", "[0, 4)");
        fails(BAD_ARG, () -> Indexing.indexSelectRows(w, new int[]{-1}), "indexSelectRows", "rows[0] = -1");
        fails(BAD_ARG, () -> Indexing.indexAddRows(w, new int[]{0, 1, 2, 9}, 5), "indexAddRows", "rows[3] = 9", "[0, 5)");
        fails(BAD_ARG, () -> Indexing.gather(w, 1, new int[]{0, 2, 1, 1}, 1), "gather", "index[1] = 2", "[0, 2)");
        fails(BAD_ARG, () -> Losses.crossEntropy(w, new int[]{0, 1, 2, 1}, -100), "crossEntropy", "targets[2] = 2", "[4, 2]");
        fails(BAD_ARG, () -> Elementwise.dropout(w, 1.5f, new Rng(1), true), "dropout", "1.5");
    }

    @Test
    void backwardWithoutGrad() {
        Tensor x = Tensor.zeros(2, 3);
        fails(BAD_STATE, () -> Reductions.sum(x).backward(), "backward", "does not require grad", "[]");
        Tensor y = Tensor.zeros(2).requiresGrad(true);
        fails(BAD_STATE, () -> Elementwise.mul(y, 2f).backward(), "backward", "seed", "[2]");
        fails(BAD_ARG, () -> Elementwise.mul(y, 2f).backward(Tensor.zeros(3)), "backward", "[3]", "[2]");
    }

    @Test
    void closedTensor() {
        Tensor x = Tensor.ones(2, 3);
        x.close();
        fails(BAD_STATE, () -> Elementwise.add(x, Tensor.ones(2, 3)), "use of a closed tensor", "[2, 3]");
        fails(BAD_STATE, x::toArray, "use of a closed tensor", "[2, 3]");
        // a tensor closed after being used in a graph: backward reports it too
        Tensor w = Tensor.ones(3).requiresGrad(true);
        Tensor h = Elementwise.exp(w);
        Tensor loss = Reductions.sum(Elementwise.mul(h, w));
        w.close();
        fails(BAD_STATE, loss::backward, "use of a closed tensor", "[3]");
    }

    @Test
    void tensorsOnDifferentBackends() {
        Backend other = renamed(ReferenceBackend.INSTANCE, "other");
        Tensor a = Tensor.zeros(2, 2);
        Tensor b = Tensor.zeros(other, 2, 2);
        fails(BAD_ARG, () -> Elementwise.add(a, b), "add", "different backends", "'reference'", "'other'");
        fails(BAD_ARG, () -> LinearAlgebra.matmul(a, b), "matmul", "different backends");
        fails(BAD_ARG, () -> ShapeOps.concat(0, a, b), "concat", "different backends");
        fails(BAD_ARG, () -> Attention.attention(a, a, b, new int[]{0, 2}, 1, false, null), "attention", "different backends");
    }

    /** A second backend for the test: the reference under another name (tensors record which made them). */
    private static Backend renamed(Backend inner, String name) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("name") || method.getName().equals("description")) {
                        return name;
                    }
                    try {
                        return method.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
