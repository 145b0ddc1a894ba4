package org.jdna.engine.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.jdna.engine.tensor.Tensor;

/**
 * Base of every layer: parameters, buffers and submodules registered by name, in order.
 *
 * <p>Names are dotted paths, as in PyTorch: a parameter {@code weight} of submodule {@code qkv} of
 * submodule {@code attn} of the block at index 0 of the list {@code blocks} is
 * {@code "blocks.0.attn.qkv.weight"}. The state dict maps these names to tensors, so checkpoints
 * written from it are readable by name from PyTorch.
 *
 * <p>Forward methods are not part of this class: a layer's inputs differ (ids, rows and segments,
 * masks), so each layer declares its own {@code forward}.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, ParameterKind> kinds = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    // ------------------------------------------------------------------ registration

    /** Registers a trainable tensor (marked requiresGrad) under {@code name}; returns it. */
    protected final Tensor registerParameter(String name, Tensor tensor, ParameterKind kind) {
        checkNewName(name);
        if (tensor.gradFn() != null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name
                    + "' must be a leaf tensor, got the output of op '" + tensor.gradFn().op() + "'");
        }
        tensor.requiresGrad(true);
        parameters.put(name, tensor);
        kinds.put(name, kind);
        return tensor;
    }

    /** Registers a non-trainable tensor that belongs in the state dict (e.g. a fixed table); returns it. */
    protected final Tensor registerBuffer(String name, Tensor tensor) {
        checkNewName(name);
        buffers.put(name, tensor);
        return tensor;
    }

    /** Registers a submodule under {@code name}; returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkNewName(name);
        if (module == this) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": a module cannot contain itself");
        }
        children.put(name, module);
        return module;
    }

    private void checkNewName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "' (names are non-empty and contain no '.')");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
        }
    }

    // ------------------------------------------------------------------ traversal

    /** This module ("" ) and every submodule, depth first in registration order, by dotted name. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collectModules("", this, out, seen);
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(m)) {
            return;
        }
        out.put(prefix, m);
        for (Map.Entry<String, Module> c : m.children.entrySet()) {
            collectModules(join(prefix, c.getKey()), c.getValue(), out, seen);
        }
    }

    /** The direct submodules by their local names. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Calls {@code action} on this module and every submodule (depth first). */
    public final void apply(Consumer<Module> action) {
        namedModules().values().forEach(action);
    }

    /**
     * Every parameter by dotted name, in registration order. A tensor shared by two modules (tied
     * weights) appears once, under the first name met.
     */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (var e : allNamedParameters().entrySet()) {
            if (seen.add(e.getValue())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The parameters in the order of {@link #namedParameters()} (each tensor once). */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The kind of every parameter, under the names of {@link #namedParameters()}. */
    public final Map<String, ParameterKind> parameterKinds() {
        Map<String, ParameterKind> out = new LinkedHashMap<>();
        for (var e : namedModules().entrySet()) {
            for (var k : e.getValue().kinds.entrySet()) {
                out.putIfAbsent(join(e.getKey(), k.getKey()), k.getValue());
            }
        }
        out.keySet().retainAll(namedParameters().keySet());
        return out;
    }

    /** Every parameter under every name it has (tied tensors appear more than once). */
    private Map<String, Tensor> allNamedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : namedModules().entrySet()) {
            for (var p : e.getValue().parameters.entrySet()) {
                out.put(join(e.getKey(), p.getKey()), p.getValue());
            }
        }
        return out;
    }

    private Map<String, Tensor> allNamedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : namedModules().entrySet()) {
            for (var b : e.getValue().buffers.entrySet()) {
                out.put(join(e.getKey(), b.getKey()), b.getValue());
            }
        }
        return out;
    }

    /** Total number of parameter elements (tied tensors counted once). */
    public final long numParameters() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    // ------------------------------------------------------------------ state dict

    /**
     * Parameters (as in {@link #namedParameters()}) then buffers, by dotted name. The tensors are
     * detached views that share storage with the module: copy them to keep a snapshot.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((k, v) -> out.put(k, v.detach()));
        allNamedBuffers().forEach((k, v) -> out.put(k, v.detach()));
        return out;
    }

    /** What a non-strict load skipped. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        public LoadResult {
            missingKeys = List.copyOf(missingKeys);
            unexpectedKeys = List.copyOf(unexpectedKeys);
        }
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers (in place, so
     * optimizers holding them keep working). The source tensors may live on another backend.
     *
     * <p>A shape mismatch is always an error. When {@code strict}, a key of this module absent from
     * {@code state} (missing) or a key of {@code state} this module does not have (unexpected) is an
     * error too; otherwise they are reported in the result. Nothing is copied when an error is
     * thrown. A tied tensor may be given under any of its names.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        // all: every name, tied tensors under each of theirs; targets: each tensor once.
        Map<String, Tensor> all = new LinkedHashMap<>(allNamedParameters());
        all.putAll(allNamedBuffers());
        Map<String, Tensor> targets = new LinkedHashMap<>(namedParameters());
        targets.putAll(allNamedBuffers());

        List<String> unexpected = new ArrayList<>();
        for (String key : state.keySet()) {
            if (!all.containsKey(key)) {
                unexpected.add(key);
            }
        }
        // A target is satisfied when any of its names (tied weights) is present.
        Map<Tensor, String> sourceKeyOf = new IdentityHashMap<>();
        for (var e : all.entrySet()) {
            if (state.containsKey(e.getKey())) {
                sourceKeyOf.putIfAbsent(e.getValue(), e.getKey());
            }
        }
        List<String> missing = new ArrayList<>();
        for (var e : targets.entrySet()) {
            if (!sourceKeyOf.containsKey(e.getValue())) {
                missing.add(e.getKey());
            }
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict (strict): "
                    + (missing.isEmpty() ? "" : "missing keys " + missing + (unexpected.isEmpty() ? "" : "; "))
                    + (unexpected.isEmpty() ? "" : "unexpected keys " + unexpected));
        }
        List<String> mismatches = new ArrayList<>();
        for (var e : sourceKeyOf.entrySet()) {
            Tensor source = state.get(e.getValue());
            if (!Arrays.equals(e.getKey().shape(), source.shape())) {
                mismatches.add("'" + e.getValue() + "': checkpoint " + source.shapeString() + " vs model "
                        + e.getKey().shapeString());
            }
        }
        if (!mismatches.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: shape mismatch for "
                    + String.join(", ", mismatches));
        }
        for (var e : sourceKeyOf.entrySet()) {
            copyInto(e.getKey(), state.get(e.getValue()));
        }
        return new LoadResult(missing, unexpected);
    }

    private static void copyInto(Tensor target, Tensor source) {
        if (source.backend() == target.backend()) {
            if (source.storage() != target.storage()) {
                target.backend().copy(target.storage(), 0, source.storage(), 0, target.numel());
            }
        } else {
            target.set(source.toArray());
        }
    }

    // ------------------------------------------------------------------ mode and gradients

    /** Training mode (dropout active) for this module and all submodules; returns this. */
    public Module train(boolean on) {
        for (Module m : namedModules().values()) {
            m.training = on;
        }
        return this;
    }

    public Module train() {
        return train(true);
    }

    /** Evaluation mode (dropout off) for this module and all submodules; returns this. */
    public Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Drops the accumulated gradient of every parameter. */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Names every parameter with its shape, one per line, then the total. */
    public String summary() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('\n');
        namedParameters().forEach((k, v) -> sb.append("  ").append(k).append(' ').append(v.shapeString()).append('\n'));
        return sb.append("  total ").append(numParameters()).append(" parameters").toString();
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
