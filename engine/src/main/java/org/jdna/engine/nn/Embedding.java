package org.jdna.engine.nn;

import org.jdna.engine.ops.Indexing;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/** A lookup table weight (count, dim), initialised N(0, 1) as in PyTorch ({@link Gpt2Init}: 0.02). */
public final class Embedding extends Module {
    private final int count;
    private final int dim;
    private final Tensor weight;

    public Embedding(int count, int dim, Rng rng) {
        if (count <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: count and dim must be positive, got " + count + " x " + dim);
        }
        this.count = count;
        this.dim = dim;
        this.weight = registerParameter("weight", Init.normal(Tensor.zeros(count, dim), 1.0, rng), ParameterKind.EMBEDDING);
    }

    /** ids with shape {@code idsShape} -> (idsShape..., dim). Out-of-range ids are an error. */
    public Tensor forward(int[] ids, int... idsShape) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= count) {
                throw new IndexOutOfBoundsException("Embedding(" + count + ", " + dim + "): id " + ids[i]
                        + " at position " + i + " is outside [0, " + count + ")");
            }
        }
        return Indexing.embedding(weight, ids, idsShape.length == 0 ? new int[]{ids.length} : idsShape);
    }

    /** (count, dim). */
    public Tensor weight() { return weight; }

    public int count() { return count; }

    public int dim() { return dim; }
}
