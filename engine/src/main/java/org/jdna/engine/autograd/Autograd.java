package org.jdna.engine.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.jdna.engine.tensor.Tensor;

/**
 * The eager tape. There is no graph object: each output tensor points at the {@link Node} that
 * made it, and {@link #backward} walks those links in reverse topological order. The graph is
 * rebuilt every step, which is what routing needs (a token's path changes the graph).
 */
public final class Autograd {
    private Autograd() {
    }

    /** True when an op with these inputs must record itself. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records {@code out = op(inputs)} with its gradient rule when any input requires a gradient
     * and recording is on; returns {@code out} for chaining.
     */
    public static Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            out.attachGradFn(new Node(op, inputs, backward));
        }
        return out;
    }

    /**
     * Adds {@code g} into the pending gradient of {@code input}; ignored when input needs no gradient.
     * The tape never writes into a tensor a rule handed it (rules may pass {@code dout} itself to
     * several inputs): the first contribution is kept as given, a second one sums into a fresh copy.
     */
    public static void accumulate(Tensor input, Tensor g) {
        Tape tape = tapeFor(input, g);
        if (tape == null) {
            return;
        }
        Tensor existing = tape.pending.get(input);
        if (existing == null) {
            tape.pending.put(input, g);
            return;
        }
        if (!tape.owned.containsKey(existing)) {
            existing = existing.copy();
            tape.pending.put(input, existing);
            tape.owned.put(existing, Boolean.TRUE);
        }
        existing.addInPlace(g, 1f);
    }

    /**
     * As {@link #accumulate}, for a gradient the rule has just allocated and keeps no reference to
     * (not {@code dout}, not a view of anything): the tape takes it over, so it may sum later
     * contributions into it and hand it to a leaf as its gradient, with no copy.
     */
    public static void accumulateFresh(Tensor input, Tensor g) {
        Tape tape = tapeFor(input, g);
        if (tape == null) {
            return;
        }
        Tensor existing = tape.pending.get(input);
        if (existing != null && tape.owned.containsKey(existing)) {
            existing.addInPlace(g, 1f);
            return;
        }
        if (existing != null) {
            g.addInPlace(existing, 1f); // the first contribution was handed to us: sum into ours instead
        }
        tape.pending.put(input, g);
        tape.owned.put(g, Boolean.TRUE);
    }

    /**
     * As {@link #accumulateFresh} of a gradient that is zero but for rows {@code rows[i]} of input
     * (input (R, width...) seen as R rows of {@code width}), which get row i of {@code dout}
     * (rows.length, width...) added, as the backward of a row gather. When the tape already owns
     * input's pending gradient the rows are added into it where it lies; otherwise a zeroed
     * gradient is made for them. (A zeroed full-size gradient per gather, then added whole into
     * the pending one, was two passes over R rows for every routed module's few.)
     */
    public static void accumulateRows(Tensor input, Tensor dout, int[] rows, int width) {
        if (input == null || !input.requiresGrad()) {
            return;
        }
        Tape tape = TAPE.get();
        if (tape == null) {
            throw new IllegalStateException("Autograd.accumulateRows called outside backward()");
        }
        Tensor existing = tape.pending.get(input);
        if (existing != null && tape.owned.containsKey(existing) && existing.backend() == dout.backend()) {
            dout.backend().indexing().indexAddRows(existing.storage(), dout.storage(), rows, rows.length, width);
            return;
        }
        Tensor g = Tensor.zeros(input.backend(), input.shape());
        input.backend().indexing().indexAddRows(g.storage(), dout.storage(), rows, rows.length, width);
        accumulateFresh(input, g);
    }

    // The tape of the running backward pass, or null when input needs no gradient; checks g against input.
    private static Tape tapeFor(Tensor input, Tensor g) {
        if (input == null || !input.requiresGrad()) {
            return null;
        }
        Tape tape = TAPE.get();
        if (tape == null) {
            throw new IllegalStateException("Autograd.accumulate called outside backward()");
        }
        if (!java.util.Arrays.equals(input.shape(), g.shape())) {
            throw new IllegalStateException("gradient shape " + java.util.Arrays.toString(g.shape())
                    + " does not match input shape " + java.util.Arrays.toString(input.shape())
                    + (input.gradFn() != null ? " (input made by op '" + input.gradFn().op() + "')" : ""));
        }
        if (g.backend() != input.backend()) {
            throw new IllegalStateException("gradient on backend '" + g.backend().name() + "' for an input on '"
                    + input.backend().name() + "'");
        }
        return tape;
    }

    /**
     * Pending gradients of one backward pass, and which of them the tape may write: those it
     * allocated or was handed fresh, each held by exactly one pending entry. A gradient stops being
     * owned when its tensor's rule runs, since the rule may hand it on to several inputs.
     */
    private record Tape(Map<Tensor, Tensor> pending, Map<Tensor, Boolean> owned) {
    }

    private static final ThreadLocal<Tape> TAPE = new ThreadLocal<>();

    /**
     * Back-propagates from {@code root} with seed gradient {@code seed} (same shape as root). Leaf
     * tensors that require gradients get them added to {@link Tensor#grad()} (gradients
     * accumulate across calls until zeroed); intermediate gradients are dropped when used.
     */
    public static void backward(Tensor root, Tensor seed) {
        checkRoot(root);
        if (TAPE.get() != null) {
            throw new IllegalStateException("backward() called re-entrantly from a gradient rule");
        }
        run(root, seed, null);
    }

    /**
     * Back-propagates a sub-graph and hands back its leaves' gradients instead of adding them to
     * {@link Tensor#grad()}: {@code leafGradients} gets (leaf, gradient) pairs in the order the
     * leaves are reached, each leaf once, each gradient the caller's to keep. Meant for a gradient
     * rule that runs sub-graphs of its own (see {@link org.jdna.engine.ops.ConcurrentParts}), so it may be called from
     * inside a backward pass and from any thread: the pass it runs has a tape of its own.
     */
    public static void backwardCollectingLeaves(Tensor root, Tensor seed, List<Map.Entry<Tensor, Tensor>> leafGradients) {
        checkRoot(root);
        Tape outer = TAPE.get();
        try {
            run(root, seed, leafGradients);
        } finally {
            if (outer != null) {
                TAPE.set(outer);
            }
        }
    }

    private static void checkRoot(Tensor root) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward() on a tensor that does not require grad (shape "
                    + java.util.Arrays.toString(root.shape()) + "): no input of the graph has requiresGrad(true)");
        }
    }

    // One pass; leaves' gradients go to their grad(), or to leafGradients when that is not null.
    @SuppressWarnings("try") // the scope is only closed, never read
    private static void run(Tensor root, Tensor seed, List<Map.Entry<Tensor, Tensor>> leafGradients) {
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> pending = new IdentityHashMap<>();
        Tape tape = new Tape(pending, new IdentityHashMap<>());
        TAPE.set(tape);
        try (var ignored = GradMode.disabled()) {
            pending.put(root, seed);
            for (Tensor t : order) {
                Tensor g = pending.remove(t);
                if (g == null) {
                    continue;
                }
                boolean ours = tape.owned.remove(g) != null;
                Node node = t.gradFn();
                if (node == null) {
                    if (leafGradients != null) {
                        leafGradients.add(Map.entry(t, ours ? g : g.copy()));
                    } else if (ours) {
                        t.takeGrad(g); // nobody else holds g: no copy
                    } else {
                        t.accumulateGrad(g);
                    }
                } else {
                    node.backward().apply(g);
                    if (t.retainsGrad()) {
                        t.accumulateGrad(g);
                    }
                }
            }
        } finally {
            TAPE.remove();
        }
    }

    /** Tensors reachable from root, root first, each before all of its inputs. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> post = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        // Iterative DFS: deep graphs (long routed stacks) must not overflow the stack.
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Node node = t.gradFn();
            Tensor[] inputs = node == null ? new Tensor[0] : node.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[]{in, 0});
                }
            } else {
                stack.pop();
                post.add(t);
            }
        }
        Collections.reverse(post);
        return post;
    }
}
