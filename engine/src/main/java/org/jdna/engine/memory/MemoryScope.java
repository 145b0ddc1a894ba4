package org.jdna.engine.memory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.IntConsumer;

import org.jdna.engine.backend.HeapStorage;
import org.jdna.engine.backend.Storage;

/**
 * An explicit lifetime for the tensors of a step: every storage a backend allocates while the
 * scope is open (on this thread, or on the backend's threads for this thread's
 * {@link org.jdna.engine.ops.ConcurrentParts}) goes back to its backend's pool when the scope
 * closes, and its tensors then throw on use instead of reading memory that was lent again.
 *
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open()) {
 *     Tensor logits = net.forward(x);
 *     Tensor loss = Losses.crossEntropy(logits, labels, -1);
 *     loss.backward();                 // the parameters' gradients survive the scope
 *     optimizer.step();                // so does the optimizer's state
 *     lastLoss = loss.item();          // host values need nothing
 *     lastLogits = step.keep(logits);  // a tensor the caller keeps
 * }
 * }</pre>
 *
 * <p>What survives a scope: tensors made before it opened (parameters), the gradients autograd
 * hands to leaves (until {@link org.jdna.engine.tensor.Tensor#zeroGrad()}, which returns them to the pool), allocations
 * made inside {@link #persistent()} (optimizer state, checkpoint copies) and tensors passed to
 * {@link #keep}. Scopes nest and close in reverse order; a kept tensor moves to the enclosing scope,
 * or out of the pool's care (to the garbage collector) from the outermost one. Code that opens no
 * scope allocates as before and leaves its tensors to the garbage collector.
 */
public final class MemoryScope implements AutoCloseable {

    /**
     * What a scope can keep: anything that owns a storage (a {@link org.jdna.engine.tensor.Tensor}). The scope
     * works on storages, so that this package sits beside the backend SPI and below the tensor.
     */
    public interface Keepable {
        Storage storage();
    }

    /** What becomes of a storage when its scope closes, when not released. */
    private enum Fate { TO_PARENT, SURVIVES }

    /**
     * One level of the stack: an open scope, or a {@link #persistent()} region (tracks nothing).
     * A frame is shared by the threads its scope was lent to, so its lists are guarded by itself.
     */
    private static final class Frame implements Tracker {
        final Frame parent;
        final boolean tracking;
        final List<Storage> storages = new ArrayList<>();
        IdentityHashMap<Storage, Fate> fates;

        Frame(Frame parent, boolean tracking) {
            this.parent = parent;
            this.tracking = tracking;
        }

        synchronized void add(Storage s) {
            storages.add(s);
        }

        @Override
        public void track(Storage s) {
            add(s);
        }

        synchronized void mark(Storage s, Fate fate) {
            if (fates == null) {
                fates = new IdentityHashMap<>();
            }
            if (fates.get(s) != Fate.SURVIVES) {
                fates.put(s, fate);
            }
        }
    }

    private static final ThreadLocal<Frame> TOP = new ThreadLocal<>();

    private final Frame frame;
    private final Thread owner;
    private boolean closed;

    private MemoryScope(Frame frame) {
        this.frame = frame;
        this.owner = Thread.currentThread();
    }

    /** Opens a scope on this thread, nested in the one already open, if any. */
    public static MemoryScope open() {
        Frame f = new Frame(TOP.get(), true);
        TOP.set(f);
        return new MemoryScope(f);
    }

    /**
     * Until the returned region is closed, allocations on this thread belong to no scope: they
     * outlive every open scope and are left to the garbage collector (optimizer state, copies for a
     * checkpoint, caches a layer fills on its first call).
     */
    public static Region persistent() {
        Frame previous = TOP.get();
        Frame f = new Frame(previous, false);
        TOP.set(f);
        return () -> {
            if (TOP.get() != f) {
                throw new IllegalStateException("MemoryScope.persistent(): regions and scopes must close in reverse"
                        + " order of opening, on the thread that opened them");
            }
            TOP.set(previous);
        };
    }

    /** A {@link #persistent()} region: closing it restores the scope that was open. */
    public interface Region extends AutoCloseable {
        @Override
        void close();
    }

    /** The scope that takes this thread's allocations, handed to a backend's allocator. */
    public interface Tracker {
        /** The scope takes {@code storage}: it goes back to its pool when the scope ends. */
        void track(Storage storage);
    }

    /**
     * The innermost tracking scope of this thread, or null when allocations belong to none: one
     * thread-local lookup for an allocator, where {@link #isTracking} then {@link #track} took two
     * (inside Spark's executor threads, which hold many thread-locals, a lookup that misses its
     * slot walks the table: in a profile of a vision DNA run in a sweep, thread-local lookups, most
     * of them this scope's, were 8% of the samples).
     */
    public static Tracker tracker() {
        Frame f = TOP.get();
        return f != null && f.tracking ? f : null;
    }

    /** True when allocations on this thread belong to a scope. */
    public static boolean isTracking() {
        return tracker() != null;
    }

    /**
     * Called by a backend for each storage it allocates: the innermost scope of this thread, if
     * any, takes it. Returns whether one did.
     */
    public static boolean track(Storage storage) {
        Tracker t = tracker();
        if (t == null) {
            return false;
        }
        t.track(storage);
        return true;
    }

    /**
     * Keeps {@code t}'s storage (and so every tensor sharing it) past this scope: it moves to the
     * enclosing scope, or, from the outermost (or one opened inside a {@link #persistent()} region),
     * out of the pool's care. Returns {@code t}.
     */
    public <T extends Keepable> T keep(T t) {
        checkOpen("keep");
        frame.mark(t.storage(), Fate.TO_PARENT);
        return t;
    }

    /**
     * Keeps {@code t} past the innermost scope open on this thread (see {@link #keep}); does nothing
     * when none is open. Returns {@code t}.
     */
    public static <T extends Keepable> T keepInCurrent(T t) {
        Frame f = innermostTracking(TOP.get());
        if (f != null) {
            f.mark(t.storage(), Fate.TO_PARENT);
        }
        return t;
    }

    /**
     * Called by autograd when it hands a gradient to a leaf: the gradient's storage survives every
     * scope open on this thread and stays the pool's, to come back at {@link org.jdna.engine.tensor.Tensor#zeroGrad()}.
     * Returns true when a scope was open (the storage is then the pool's to take back).
     */
    public static boolean survive(Storage storage) {
        boolean any = false;
        for (Frame f = TOP.get(); f != null; f = f.parent) {
            if (f.tracking) {
                f.mark(storage, Fate.SURVIVES);
                any = true;
            }
        }
        return any;
    }

    /**
     * {@code task} as run on another thread for this thread's work: while it runs there, that
     * thread allocates into this thread's innermost scope. For {@link org.jdna.engine.backend.Backend#forEachTask}.
     */
    public static IntConsumer onWorkers(IntConsumer task) {
        Frame lent = TOP.get();
        if (lent == null) {
            return task;
        }
        return i -> {
            Frame own = TOP.get();
            if (own == lent) {
                task.accept(i);
                return;
            }
            TOP.set(lent);
            try {
                task.accept(i);
            } finally {
                if (own == null) {
                    TOP.remove();
                } else {
                    TOP.set(own);
                }
            }
        };
    }

    /**
     * Ends the scope: every storage it took goes back to its pool, except those kept (moved to the
     * enclosing scope, or out of the pool's care) and gradients handed to leaves.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner || TOP.get() != frame) {
            throw new IllegalStateException("MemoryScope.close(): scopes must close in reverse order of opening, on the"
                    + " thread that opened them");
        }
        closed = true;
        TOP.set(frame.parent);
        if (frame.parent == null) {
            TOP.remove();
        }
        Frame heir = frame.parent != null && frame.parent.tracking ? frame.parent : null;
        synchronized (frame) {
            for (Storage s : frame.storages) {
                Fate fate = frame.fates == null ? null : frame.fates.get(s);
                if (fate == null) {
                    s.close();
                } else if (fate == Fate.TO_PARENT) {
                    if (heir != null) {
                        heir.add(s);
                    } else if (s instanceof HeapStorage h) {
                        h.leavePool();
                    }
                }
            }
            frame.storages.clear();
            frame.fates = null;
        }
    }

    /** Storages this scope holds now (for tests and reports). */
    public int size() {
        synchronized (frame) {
            return frame.storages.size();
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    private void checkOpen(String what) {
        if (closed) {
            throw new IllegalStateException("MemoryScope." + what + "(): the scope is closed");
        }
    }

    private static Frame innermostTracking(Frame f) {
        while (f != null && !f.tracking) {
            f = f.parent;
        }
        return f;
    }
}
