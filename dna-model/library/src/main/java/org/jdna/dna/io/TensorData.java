package org.jdna.dna.io;

import java.util.Arrays;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.tensor.Shapes;
import org.jdna.engine.tensor.Tensor;

/** A float32 tensor's shape and values on the host: what a safetensors file stores for one name. */
public record TensorData(int[] shape, float[] values) {
    public TensorData {
        if (Shapes.numel(shape) != values.length) {
            throw new IllegalArgumentException("TensorData: " + values.length + " values for shape " + Arrays.toString(shape));
        }
    }

    public static TensorData of(Tensor t) {
        return new TensorData(t.shape(), t.toArray());
    }

    public Tensor toTensor(Backend backend) {
        return Tensor.of(backend, values, shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.toString(shape);
    }
}
