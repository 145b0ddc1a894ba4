package org.jdna.engine.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.tensor.Tensor;

/**
 * The bookkeeping every optimizer shares: named parameters, the learning rate, the step count,
 * per-parameter state "slots" (allocated on a parameter's backend at its first update) and the
 * per-parameter update count, with their checkpoint form.
 */
abstract class AbstractOptimizer implements Optimizer {
    private static final String STEP_SLOT = "step";
    private final String kind;
    private final List<String> names;
    private final List<Tensor> params;
    private final String[] slotNames;
    private final Tensor[][] slots;      // [param][slot], null until first update
    private final long[] updates;        // per-parameter update count
    private double lr;
    private long step;

    AbstractOptimizer(String kind, Map<String, Tensor> namedParams, double lr, String... slotNames) {
        this.kind = kind;
        if (namedParams.isEmpty()) {
            throw new IllegalArgumentException(kind + ": no parameters to optimize");
        }
        this.names = new ArrayList<>(namedParams.keySet());
        this.params = new ArrayList<>(namedParams.values());
        for (int i = 0; i < params.size(); i++) {
            if (!params.get(i).requiresGrad() || params.get(i).gradFn() != null) {
                throw new IllegalArgumentException(kind + ": '" + names.get(i)
                        + "' is not a leaf tensor with requiresGrad (shape " + params.get(i).shapeString() + ")");
            }
        }
        this.slotNames = slotNames.clone();
        this.slots = new Tensor[params.size()][];
        this.updates = new long[params.size()];
        setLr(lr);
    }

    /** Updates parameter {@code i} (its gradient is non-null) for its {@code update}-th time (1-based). */
    protected abstract void update(int i, Tensor param, Tensor grad, Tensor[] slots, long update);

    @Override
    public final void step() {
        step++;
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            if (g.backend() != p.backend()) {
                throw new IllegalStateException(kind + ": gradient of '" + names.get(i) + "' lives on backend "
                        + g.backend().name() + " but the parameter on " + p.backend().name());
            }
            update(i, p, g, slotsOf(i), ++updates[i]);
        }
    }

    // The state lives as long as the optimizer: made outside any memory scope, even at a first update inside one.
    @SuppressWarnings("try") // the region is only closed
    private Tensor[] slotsOf(int i) {
        if (slots[i] == null) {
            Tensor p = params.get(i);
            Tensor[] s = new Tensor[slotNames.length];
            try (var persistent = MemoryScope.persistent()) {
                for (int j = 0; j < s.length; j++) {
                    s[j] = Tensor.zeros(p.backend(), p.shape());
                }
            }
            slots[i] = s;
        }
        return slots[i];
    }

    protected final String nameOf(int i) {
        return names.get(i);
    }

    @Override
    public final Map<String, Tensor> parameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), params.get(i));
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public final double lr() {
        return lr;
    }

    @Override
    public final void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(kind + ": learning rate must be finite and >= 0, got " + lr);
        }
        this.lr = lr;
    }

    @Override
    public final long stepCount() {
        return step;
    }

    @Override
    @SuppressWarnings("try") // the region is only closed
    public final OptimizerState stateDict() {
        try (var persistent = MemoryScope.persistent()) {   // a checkpoint's copies outlive the caller's scope
            return copyState();
        }
    }

    private OptimizerState copyState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            if (slots[i] == null) {
                continue;
            }
            for (int j = 0; j < slotNames.length; j++) {
                out.put(names.get(i) + "." + slotNames[j], slots[i][j].copy());
            }
            // A float holds update counts exactly up to 2^24 (16.7M steps), far beyond our runs.
            out.put(names.get(i) + "." + STEP_SLOT, Tensor.of(params.get(i).backend(), new float[]{updates[i]}));
        }
        return new OptimizerState(step, out);
    }

    @Override
    public final void loadStateDict(OptimizerState state) {
        Map<String, Tensor> in = state.tensors();
        List<String> known = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            String stepKey = names.get(i) + "." + STEP_SLOT;
            known.add(stepKey);
            boolean present = in.containsKey(stepKey);
            for (String slot : slotNames) {
                String key = names.get(i) + "." + slot;
                known.add(key);
                Tensor t = in.get(key);
                if (present && t == null) {
                    problems.add("missing '" + key + "'");
                } else if (t != null && !Arrays.equals(t.shape(), params.get(i).shape())) {
                    problems.add("'" + key + "': state " + t.shapeString() + " vs parameter " + params.get(i).shapeString());
                }
            }
            if (present && in.get(stepKey).numel() != 1) {
                problems.add("'" + stepKey + "' must hold one value, got " + in.get(stepKey).shapeString());
            }
        }
        for (String key : in.keySet()) {
            if (!known.contains(key)) {
                problems.add("unexpected '" + key + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(kind + ".loadStateDict: " + String.join(", ", problems));
        }
        for (int i = 0; i < params.size(); i++) {
            Tensor stepValue = in.get(names.get(i) + "." + STEP_SLOT);
            if (stepValue == null) {
                slots[i] = null;
                updates[i] = 0;
                continue;
            }
            Tensor[] s = slotsOf(i);
            for (int j = 0; j < slotNames.length; j++) {
                Tensor src = in.get(names.get(i) + "." + slotNames[j]);
                if (src.backend() == s[j].backend()) {
                    s[j].backend().copy(s[j].storage(), 0, src.storage(), 0, s[j].numel());
                } else {
                    s[j].set(src.toArray());
                }
            }
            updates[i] = (long) stepValue.item();
        }
        step = state.step();
    }
}
