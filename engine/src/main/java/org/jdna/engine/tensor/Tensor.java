package org.jdna.engine.tensor;

import java.util.Arrays;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.autograd.Node;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.ops.Elementwise;
import org.jdna.engine.ops.LinearAlgebra;
import org.jdna.engine.ops.Reductions;
import org.jdna.engine.ops.ShapeOps;
import org.jdna.engine.ops.Softmax;

/**
 * A float32 tensor: a shape over a contiguous row-major {@link Storage} of one backend, plus the
 * autograd fields (requiresGrad, grad, the node that made it).
 *
 * <p>Every tensor is contiguous. {@link #reshape} is a free view that shares storage; transpose,
 * permute, slice and concat produce contiguous copies (one {@code copyStrided} each). This keeps
 * every backend primitive simple at the cost of a copy where PyTorch would make a strided view.
 *
 * <p>The methods here are the tensor's core plus short forms of the common ops; the op families
 * live in {@code org.jdna.engine.ops} (Elementwise, Reductions, LinearAlgebra, Softmax,
 * Normalization, Indexing, ShapeOps, Losses, Attention).
 */
public final class Tensor implements AutoCloseable, MemoryScope.Keepable {
    private final Backend backend;
    private final Storage storage;
    private final int[] shape;
    private final int numel;
    private boolean requiresGrad;
    private boolean retainGrad;
    private Tensor grad;
    private boolean gradPooled;   // grad's storage goes back to its pool when the gradient is dropped
    private Node gradFn;

    private Tensor(Backend backend, Storage storage, int[] shape) {
        this.backend = backend;
        this.storage = storage;
        this.shape = shape;
        this.numel = Shapes.numel(shape);
        if (storage.length() < numel) {
            throw new IllegalArgumentException("storage of " + storage.length() + " floats is too small for shape "
                    + Arrays.toString(shape));
        }
    }

    // ------------------------------------------------------------------ creation

    /** Wraps an existing storage (used by ops; the storage must hold at least numel floats). */
    public static Tensor wrap(Storage storage, int... shape) {
        Shapes.check("Tensor.wrap", shape);
        return new Tensor(storage.backend(), storage, shape.clone());
    }

    /** A zero tensor on the current backend. */
    public static Tensor zeros(int... shape) {
        return zeros(Backends.current(), shape);
    }

    public static Tensor zeros(Backend backend, int... shape) {
        Shapes.check("Tensor.zeros", shape);
        return new Tensor(backend, backend.allocate(Shapes.numel(shape)), shape.clone());
    }

    /**
     * A tensor whose values are unspecified until written (PyTorch's {@code empty}): for an op's output
     * that its primitive overwrites in full, which saves the zero fill of {@link #zeros}.
     */
    public static Tensor empty(Backend backend, int... shape) {
        Shapes.check("Tensor.empty", shape);
        return new Tensor(backend, backend.allocateForOverwrite(Shapes.numel(shape)), shape.clone());
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        t.backend.fill(t.storage, 0, t.numel, value);
        return t;
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor scalar(float value) {
        return full(value, new int[0]);
    }

    /** A tensor holding a copy of {@code data} (row-major), on the current backend. */
    public static Tensor of(float[] data, int... shape) {
        return of(Backends.current(), data, shape);
    }

    public static Tensor of(Backend backend, float[] data, int... shape) {
        Shapes.check("Tensor.of", shape);
        if (data.length != Shapes.numel(shape)) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape "
                    + Arrays.toString(shape) + " (" + Shapes.numel(shape) + " elements)");
        }
        Tensor t = zeros(backend, shape);
        backend.copyIn(t.storage, 0, data, 0, data.length);
        return t;
    }

    /** Standard normal values times std, from the seeded generator (same seed, same values, any backend). */
    public static Tensor randn(Rng rng, float std, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rng.nextGaussian() * std);
        }
        return of(d, shape);
    }

    /** Uniform values in [lo, hi) from the seeded generator. */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * (float) rng.nextDouble();
        }
        return of(d, shape);
    }

    // ------------------------------------------------------------------ metadata and data

    public Backend backend() { return backend; }

    /**
     * The storage; throws if its memory was released (this tensor, or one sharing its storage, was
     * closed, or the {@link MemoryScope} it was made in has ended).
     */
    public Storage storage() {
        if (storage.isClosed()) {
            throw new IllegalStateException("use of a closed tensor of shape " + Arrays.toString(shape)
                    + (gradFn != null ? " made by op '" + gradFn.op() + "'" : "")
                    + ": its memory went back to the pool when it was closed or its memory scope ended"
                    + " (keep() it, or copy it out, to use it after its scope)");
        }
        return storage;
    }

    /** A copy of the shape. */
    public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    /** Size of axis {@code axis}; negative axes count from the end. */
    public int dim(int axis) { return shape[Shapes.axis("dim", axis, shape.length)]; }

    public int numel() { return numel; }

    public String shapeString() { return Arrays.toString(shape); }

    /** All values, row-major, copied to the host. */
    public float[] toArray() {
        float[] out = new float[numel];
        backend.copyOut(storage(), 0, out, 0, numel);
        return out;
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel != 1) {
            throw new IllegalStateException("item() on a tensor of shape " + Arrays.toString(shape) + " ("
                    + numel + " elements); only one-element tensors have an item");
        }
        return toArray()[0];
    }

    /** A contiguous copy with no autograd history. */
    public Tensor copy() {
        Tensor t = zeros(backend, shape);
        backend.copy(t.storage, 0, storage(), 0, numel);
        return t;
    }

    /** This tensor's data moved to another backend (a copy through the host; no autograd history). */
    public Tensor to(Backend target) {
        if (target == backend) {
            return this;
        }
        return of(target, toArray(), shape);
    }

    /** Overwrites the values from the host. */
    public Tensor set(float[] data) {
        if (data.length != numel) {
            throw new IllegalArgumentException("set: " + data.length + " values for shape " + Arrays.toString(shape));
        }
        backend.copyIn(storage(), 0, data, 0, numel);
        return this;
    }

    /** In place: this += alpha * other (same shape, no autograd). Used for gradient accumulation and optimizers. */
    public Tensor addInPlace(Tensor other, float alpha) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("addInPlace: shapes " + Arrays.toString(shape) + " and "
                    + Arrays.toString(other.shape) + " differ");
        }
        backend.elementwise().addScaled(storage(), 0, other.storage(), 0, numel, alpha);
        return this;
    }

    /** In place: every element = value (no autograd). */
    public Tensor fill(float value) {
        backend.fill(storage(), 0, numel, value);
        return this;
    }

    // ------------------------------------------------------------------ autograd

    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf as a parameter/input whose gradient is wanted. */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null && !on) {
            throw new IllegalStateException("requiresGrad(false) on a tensor made by op '" + gradFn.op()
                    + "'; use detach()");
        }
        this.requiresGrad = on;
        return this;
    }

    /** The accumulated gradient of a leaf (null until a backward pass reaches it). */
    public Tensor grad() { return grad; }

    /**
     * Drops the accumulated gradient. A gradient made inside a {@link MemoryScope} goes back to its
     * pool here, so it must not be used afterwards (copy it first to keep it).
     */
    public void zeroGrad() {
        if (grad != null && gradPooled) {
            grad.close();
        }
        grad = null;
        gradPooled = false;
    }

    /**
     * Hands the accumulated gradient to the caller and clears it here without releasing its memory: the
     * caller now owns it (e.g. to sum gradients over micro-batches and give the sum back with
     * {@link #takeGrad}). Null when there is none.
     */
    public Tensor handOverGrad() {
        Tensor g = grad;
        grad = null;
        gradPooled = false;
        return g;
    }

    /** Also keep the gradient of this non-leaf tensor during backward. */
    public Tensor retainGrad() {
        retainGrad = true;
        return this;
    }

    public boolean retainsGrad() { return retainGrad; }

    /** The node that made this tensor, or null for a leaf. */
    public Node gradFn() { return gradFn; }

    /** Called by {@link Autograd#record}. */
    public void attachGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    /** Called by {@link Autograd#backward}: grad += g. */
    public void accumulateGrad(Tensor g) {
        if (grad == null) {
            setGrad(g.copy()); // never alias a tensor the tape or a rule may still hold
        } else {
            grad.addInPlace(g, 1f);
        }
    }

    /**
     * As {@link #accumulateGrad}, handing g over: g becomes the gradient itself when there is none
     * yet. The caller must hold the only reference to g (the tape does, for gradients it owns).
     */
    public void takeGrad(Tensor g) {
        if (grad == null) {
            setGrad(g);
        } else {
            grad.addInPlace(g, 1f);
        }
    }

    // A leaf's gradient outlives the scope it was made in, until zeroGrad; a retained one dies with its tensor.
    private void setGrad(Tensor g) {
        grad = g;
        gradPooled = gradFn == null && MemoryScope.survive(g.storage);
    }

    /** Back-propagates from a one-element tensor (seed 1). */
    public void backward() {
        if (numel != 1) {
            throw new IllegalStateException("backward() without a seed on a tensor of shape " + Arrays.toString(shape)
                    + "; pass a seed gradient of the same shape");
        }
        Autograd.backward(this, ones(backend, shape));
    }

    /** Back-propagates with an explicit seed gradient of this tensor's shape. */
    public void backward(Tensor seed) {
        if (!Arrays.equals(shape, seed.shape)) {
            throw new IllegalArgumentException("backward: seed shape " + Arrays.toString(seed.shape)
                    + " differs from tensor shape " + Arrays.toString(shape));
        }
        Autograd.backward(this, seed);
    }

    private static Tensor ones(Backend backend, int[] shape) {
        Tensor t = zeros(backend, shape);
        backend.fill(t.storage, 0, t.numel, 1f);
        return t;
    }

    /** The same storage with no history and requiresGrad false. */
    public Tensor detach() {
        return new Tensor(backend, storage(), shape);
    }

    /**
     * Keeps this tensor past the innermost {@link MemoryScope} open on this thread (see
     * {@link MemoryScope#keep}); nothing when none is open. Returns this.
     */
    public Tensor keep() {
        return MemoryScope.keepInCurrent(this);
    }

    /**
     * Returns the storage to its backend's pool now (or frees it when it has no pool). Later use of
     * this tensor, or of any sharing its storage, fails with a clear message.
     */
    @Override
    public void close() {
        storage.close();
    }

    public boolean isClosed() { return storage.isClosed(); }

    // ------------------------------------------------------------------ short forms of common ops

    public Tensor add(Tensor o) { return Elementwise.add(this, o); }
    public Tensor sub(Tensor o) { return Elementwise.sub(this, o); }
    public Tensor mul(Tensor o) { return Elementwise.mul(this, o); }
    public Tensor div(Tensor o) { return Elementwise.div(this, o); }
    public Tensor add(float s) { return Elementwise.add(this, s); }
    public Tensor mul(float s) { return Elementwise.mul(this, s); }
    public Tensor neg() { return Elementwise.neg(this); }
    public Tensor exp() { return Elementwise.exp(this); }
    public Tensor log() { return Elementwise.log(this); }
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    public Tensor tanh() { return Elementwise.tanh(this); }
    public Tensor sigmoid() { return Elementwise.sigmoid(this); }
    public Tensor relu() { return Elementwise.relu(this); }
    public Tensor gelu() { return Elementwise.gelu(this); }
    public Tensor silu() { return Elementwise.silu(this); }
    public Tensor pow(float p) { return Elementwise.pow(this, p); }
    public Tensor square() { return Elementwise.square(this); }

    public Tensor matmul(Tensor o) { return LinearAlgebra.matmul(this, o); }

    public Tensor sum() { return Reductions.sum(this); }
    public Tensor sum(boolean keepDim, int... axes) { return Reductions.sum(this, keepDim, axes); }
    public Tensor mean() { return Reductions.mean(this); }
    public Tensor mean(boolean keepDim, int... axes) { return Reductions.mean(this, keepDim, axes); }
    public Tensor max(int axis, boolean keepDim) { return Reductions.max(this, axis, keepDim); }

    public Tensor softmax(int axis) { return Softmax.softmax(this, axis); }
    public Tensor logSoftmax(int axis) { return Softmax.logSoftmax(this, axis); }

    public Tensor reshape(int... newShape) { return ShapeOps.reshape(this, newShape); }
    public Tensor transpose(int a, int b) { return ShapeOps.transpose(this, a, b); }
    public Tensor permute(int... dims) { return ShapeOps.permute(this, dims); }
    public Tensor slice(int axis, int start, int end) { return ShapeOps.slice(this, axis, start, end); }

    @Override
    public String toString() {
        String g = gradFn != null ? ", op=" + gradFn.op() : requiresGrad ? ", requiresGrad" : "";
        return "Tensor" + Arrays.toString(shape) + "(" + backend.name() + g + ")";
    }

    /** Are we recording? (Convenience for layers that skip work in eval.) */
    public static boolean gradEnabled() {
        return GradMode.isEnabled();
    }
}
