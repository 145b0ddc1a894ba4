package org.jdna.engine.ops;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.autograd.Node;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.tensor.Tensor;

/**
 * Independent parts of a graph run side by side, forward and backward, on the backend's threads
 * ({@link Backend#forEachTask}): part i takes its own input x_i (r_i, ...) through any ops to y_i
 * (r'_i, ...), and the result is concat(y_0, ..., y_{n-1}) along axis 0 (the modules of a routed
 * step, each on the rows routed to it).
 *
 * <p>On the tape the whole call is one op. Each part's ops are recorded on a sub-graph of its own,
 * which starts at a detached copy of x_i; the op's inputs are the x_i and the leaves the parts
 * reached (their parameters). Its gradient rule runs every part's sub-graph backward at the same
 * time (each on one thread, as a one-thread backend would) and then, on the calling thread and in
 * part order, hands d(x_i) and the leaves' gradients to the enclosing backward pass, which sums
 * them as it sums any other contributions. So results, gradients included, are the same as running
 * the parts one after another, whatever the thread count, and a leaf used by two parts is fine.
 *
 * <p>A part may use its input, leaves (parameters, constants) and tensors it makes; it must not
 * use a tensor with history from outside the part (its sub-graph would reach into the enclosing
 * graph). Parts run in order of decreasing r_i, so that the longest start first.
 */
public final class ConcurrentParts {
    private ConcurrentParts() {
    }

    /** Part i: input (r_i, ...) -> output (r'_i, ...), the same trailing shape for every part. */
    @FunctionalInterface
    public interface Part {
        Tensor apply(int part, Tensor input);
    }

    /** concat over i of part(i, inputs[i]) along axis 0; see the class comment. */
    @SuppressWarnings("try") // the scopes are only closed, never read
    public static Tensor concat(Tensor[] inputs, Part part) {
        if (inputs == null || inputs.length == 0) {
            throw new IllegalArgumentException("concurrentParts: no parts");
        }
        Backend be = OpChecks.sameBackend("concurrentParts", inputs);
        int n = inputs.length;
        int[] order = longestFirst(inputs);
        boolean recording = GradMode.isEnabled();
        Tensor[] detached = new Tensor[n];
        Tensor[] outputs = new Tensor[n];
        be.forEachTask(n, MemoryScope.onWorkers(j -> {
            int i = order[j];
            try (var ignored = recording ? GradMode.enabled() : GradMode.disabled()) {
                detached[i] = inputs[i].detach().requiresGrad(recording && inputs[i].requiresGrad());
                outputs[i] = part.apply(i, detached[i]);
            }
            if (outputs[i] == null || outputs[i].backend() != be) {
                throw new IllegalStateException("concurrentParts: part " + i + " returned "
                        + (outputs[i] == null ? "null" : "a tensor on backend '" + outputs[i].backend().name() + "'"));
            }
        }));
        Tensor out;
        try (var ignored = GradMode.disabled()) {
            out = n == 1 ? outputs[0].detach() : ShapeOps.concat(0, outputs);
        }
        List<Tensor> leaves = recording ? leaves(outputs, detached) : List.of();
        boolean anyGrad = false;
        for (int i = 0; i < n; i++) {
            anyGrad |= outputs[i].requiresGrad();
        }
        if (!anyGrad) {
            return out;
        }
        Tensor[] recorded = new Tensor[n + leaves.size()];
        System.arraycopy(inputs, 0, recorded, 0, n);
        for (int l = 0; l < leaves.size(); l++) {
            recorded[n + l] = leaves.get(l);
        }
        int[] firstRow = new int[n + 1];
        for (int i = 0; i < n; i++) {
            firstRow[i + 1] = firstRow[i] + outputs[i].dim(0);
        }
        return Autograd.record("concurrentParts", out, dout -> backward(be, dout, inputs, detached, outputs,
                firstRow, order), recorded);
    }

    // Runs each part's sub-graph backward (dout rows [firstRow[i], firstRow[i + 1]) seed part i), then hands
    // the gradients to the enclosing pass in part order.
    @SuppressWarnings({"unchecked", "try"})
    private static void backward(Backend be, Tensor dout, Tensor[] inputs, Tensor[] detached, Tensor[] outputs,
                                 int[] firstRow, int[] order) {
        int n = inputs.length;
        List<Map.Entry<Tensor, Tensor>>[] gradients = new List[n];
        be.forEachTask(n, MemoryScope.onWorkers(j -> {
            int i = order[j];
            if (!outputs[i].requiresGrad()) {
                return;
            }
            try (var ignored = GradMode.disabled()) {
                Tensor seed = n == 1 ? dout : ShapeOps.slice(dout, 0, firstRow[i], firstRow[i + 1]);
                List<Map.Entry<Tensor, Tensor>> found = new ArrayList<>();
                Autograd.backwardCollectingLeaves(outputs[i], seed, found);
                gradients[i] = found;
            }
        }));
        for (int i = 0; i < n; i++) {
            if (gradients[i] == null) {
                continue;
            }
            for (Map.Entry<Tensor, Tensor> leafGradient : gradients[i]) {
                Tensor leaf = leafGradient.getKey() == detached[i] ? inputs[i] : leafGradient.getKey();
                Autograd.accumulateFresh(leaf, leafGradient.getValue());
            }
        }
    }

    /** Part numbers by decreasing rows, ties by number. */
    private static int[] longestFirst(Tensor[] inputs) {
        Integer[] boxed = new Integer[inputs.length];
        for (int i = 0; i < boxed.length; i++) {
            OpChecks.notNull("concurrentParts", "input " + i, inputs[i]);
            if (inputs[i].rank() == 0) {
                throw new IllegalArgumentException("concurrentParts: input " + i + " is a scalar; parts split rows");
            }
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> a.equals(b) ? 0
                : inputs[a].dim(0) != inputs[b].dim(0) ? Integer.compare(inputs[b].dim(0), inputs[a].dim(0))
                : Integer.compare(a, b));
        int[] order = new int[boxed.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    /**
     * The leaves that require gradients reachable from the outputs (not counting the parts' own
     * detached inputs), each once, in the order a walk of part 0, then part 1, ... meets them.
     */
    private static List<Tensor> leaves(Tensor[] outputs, Tensor[] detached) {
        List<Tensor> leaves = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (int i = 0; i < outputs.length; i++) {
            ArrayDeque<Tensor> stack = new ArrayDeque<>();
            if (outputs[i].requiresGrad() && seen.put(outputs[i], Boolean.TRUE) == null) {
                stack.push(outputs[i]);
            }
            while (!stack.isEmpty()) {
                Tensor t = stack.pop();
                Node node = t.gradFn();
                if (node == null) {
                    if (t != detached[i]) {
                        leaves.add(t);
                    }
                    continue;
                }
                for (Tensor in : node.inputs()) {
                    if (in != null && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) {
                        stack.push(in);
                    }
                }
            }
        }
        return leaves;
    }
}
