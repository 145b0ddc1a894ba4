package org.jdna.engine.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.jdna.engine.nn.TinyGpt;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Explicit lifetimes on the reference backend: what a scope takes goes back to the pool and its
 * tensors throw afterwards; what must survive does (parameters, gradients, optimizer state, kept
 * tensors); a repeated training step takes no new memory once warm and loses nothing to the bit.
 * The reference backend is shared by every test of this JVM, so pool figures are compared as
 * differences.
 */
@SuppressWarnings("try") // most scopes are only closed
class MemoryScopeTest {
    private Backend previous;
    private final Backend backend = ReferenceBackend.INSTANCE;

    @BeforeEach
    void useReference() {
        previous = Backends.current();
        Backends.use(backend);
    }

    @AfterEach
    void restore() {
        Backends.use(previous);
    }

    @Test
    void aTensorUsedAfterItsScopeThrowsAndNamesItsOp() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y;
        Tensor view;
        try (MemoryScope scope = MemoryScope.open()) {
            y = x.mul(x);
            view = y.reshape(3, 2);
            assertArrayEquals(new float[]{1, 4, 9, 16, 25, 36}, view.toArray());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, y::toArray);
        assertTrue(e.getMessage().contains("'mul'") && e.getMessage().contains("scope ended"), e.getMessage());
        assertThrows(IllegalStateException.class, view::toArray, "a view shares the storage's fate");
        assertThrows(IllegalStateException.class, () -> y.add(x));
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, x.toArray(), "a tensor made before the scope survives");
    }

    /** The memory of an ended scope is lent again, zeroed; the old handle stays cut off from it. */
    @Test
    void releasedMemoryIsReusedZeroedAndNotReachableThroughOldHandles() {
        backend.releaseCachedMemory();
        Tensor first;
        try (MemoryScope scope = MemoryScope.open()) {
            first = Tensor.zeros(1000).fill(7f);
        }
        MemoryStats before = backend.memoryStats();
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor second = Tensor.zeros(999);
            assertArrayEquals(new float[999], second.toArray(), "a reused block reads as zeros");
            second.fill(3f);
            MemoryStats during = backend.memoryStats();
            assertEquals(before.blocksCreated(), during.blocksCreated(), "the block was reused, not made");
            assertEquals(before.blocksReused() + 1, during.blocksReused());
            assertThrows(IllegalStateException.class, first::toArray, "the old handle must not see the new data");
        }
        assertEquals(before.bytesInUse(), backend.memoryStats().bytesInUse());
    }

    @Test
    void keptTensorsSurviveTheirScopeAndNestedKeepsMoveOut() {
        long inUse = backend.memoryStats().bytesInUse();
        Tensor inner;
        Tensor outer;
        try (MemoryScope a = MemoryScope.open()) {
            try (MemoryScope b = MemoryScope.open()) {
                inner = b.keep(Tensor.of(new float[]{1, 2}, 2).mul(2f));
                outer = Tensor.of(new float[]{5}, 1).mul(2f).keep();
            }
            assertArrayEquals(new float[]{2, 4}, inner.toArray(), "kept by the inner scope");
            assertArrayEquals(new float[]{10}, outer.toArray());
            a.keep(outer);
        }
        assertThrows(IllegalStateException.class, inner::toArray, "moved to the outer scope, released with it");
        assertArrayEquals(new float[]{10}, outer.toArray(), "kept out of the outermost scope");
        assertEquals(inUse, backend.memoryStats().bytesInUse(), "a tensor kept out of every scope leaves the pool");
    }

    @Test
    void theTrackerIsTheInnermostTrackingScopeAndNoneInsideAPersistentRegion() {
        assertEquals(null, MemoryScope.tracker(), "no scope open");
        try (MemoryScope outer = MemoryScope.open()) {
            MemoryScope.Tracker t = MemoryScope.tracker();
            assertTrue(t != null);
            try (MemoryScope.Region region = MemoryScope.persistent()) {
                assertEquals(null, MemoryScope.tracker(), "a persistent region tracks nothing");
            }
            assertTrue(t == MemoryScope.tracker(), "the scope's own tracker again after the region");
            try (MemoryScope inner = MemoryScope.open()) {
                assertFalse(t == MemoryScope.tracker(), "the inner scope takes the allocations");
            }
        }
        assertEquals(null, MemoryScope.tracker());
    }

    @Test
    void scopesCloseInReverseOrder() {
        MemoryScope a = MemoryScope.open();
        MemoryScope b = MemoryScope.open();
        assertThrows(IllegalStateException.class, a::close);
        b.close();
        a.close();
        assertFalse(MemoryScope.isTracking());
    }

    @Test
    void persistentAllocationsOutliveTheScope() {
        Tensor kept;
        try (MemoryScope scope = MemoryScope.open()) {
            try (var persistent = MemoryScope.persistent()) {
                kept = Tensor.ones(3);
            }
            assertTrue(MemoryScope.isTracking());
        }
        assertArrayEquals(new float[]{1, 1, 1}, kept.toArray());
    }

    @Test
    void gradientsAndOptimizerStateSurviveUntilZeroGrad() {
        Tensor w = Tensor.of(new float[]{1, -2, 3}, 3).requiresGrad(true);
        AdamW opt = new AdamW(java.util.Map.of("w", w), AdamW.Options.defaults(), name -> true);
        long inUse = backend.memoryStats().bytesInUse();
        try (MemoryScope scope = MemoryScope.open()) {
            w.mul(w).sum().backward();
            opt.step();                                   // the first update makes the state inside the scope
        }
        Tensor g = w.grad();
        assertArrayEquals(new float[]{2, -4, 6}, g.toArray(), "the gradient outlives the scope");
        assertTrue(backend.memoryStats().bytesInUse() > inUse, "and is still the pool's");
        w.zeroGrad();
        assertThrows(IllegalStateException.class, g::toArray, "zeroGrad gives a scope's gradient back");
        assertEquals(inUse, backend.memoryStats().bytesInUse());
        try (MemoryScope scope = MemoryScope.open()) {
            w.mul(w).sum().backward();
            opt.step();                                   // reads the state made in the first scope
        }
        assertEquals(3, opt.stateDict().tensors().size(), "exp_avg, exp_avg_sq, step");
        w.zeroGrad();
    }

    /**
     * The acceptance test of explicit lifetimes: once warm, a training step of a small transformer
     * takes no new block from the heap, returns everything it borrowed, and gives the same losses to
     * the bit as the same steps without scopes.
     */
    @Test
    void aSteadyTrainingStepTakesNoNewMemoryAndChangesNoBit() {
        List<Float> withScopes = new ArrayList<>();
        List<MemoryStats> after = new ArrayList<>();
        Trainee scoped = new Trainee();
        long inUse = backend.memoryStats().bytesInUse();
        for (int step = 0; step < 6; step++) {
            try (MemoryScope scope = MemoryScope.open()) {
                withScopes.add(scoped.step());
            }
            after.add(backend.memoryStats());
            assertEquals(inUse, after.getLast().bytesInUse(), "step " + step + " kept memory");
        }
        for (int step = 3; step < after.size(); step++) {
            assertEquals(after.get(2).blocksCreated(), after.get(step).blocksCreated(),
                    "step " + step + " made new blocks after warm-up: " + after);
        }
        Trainee plain = new Trainee();
        for (int step = 0; step < withScopes.size(); step++) {
            assertEquals(Float.floatToRawIntBits(withScopes.get(step)), Float.floatToRawIntBits(plain.step()),
                    "loss of step " + step + " differs with scopes");
        }
    }

    /** A two-layer TinyGpt with AdamW on one fixed batch; the trainer's order (forward, backward, step, zeroGrad). */
    private static final class Trainee {
        final TinyGpt model = new TinyGpt(new TinyGpt.Config(17, 8, 16, 2, 2), new Rng(5));
        final AdamW opt = new AdamW(model, AdamW.Options.defaults().withLr(1e-2));
        final int[] ids = new int[16];
        final int[] positions = new int[16];
        final int[] targets = new int[16];

        Trainee() {
            Rng rng = new Rng(9);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (int) (rng.nextDouble() * 17);
                targets[i] = (int) (rng.nextDouble() * 17);
                positions[i] = i % 8;
            }
        }

        float step() {
            Tensor loss = model.loss(ids, positions, new int[]{0, 8, 16}, targets);
            loss.backward();
            opt.step();
            opt.zeroGrad();
            return loss.item();
        }
    }
}
