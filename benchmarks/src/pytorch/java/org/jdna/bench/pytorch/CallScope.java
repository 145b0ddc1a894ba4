package org.jdna.bench.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * DJL's idiom for freeing what one call makes: a sub-manager closed at the end of the call. DJL
 * puts an op's result on the manager of the array it is called on, so the long-lived inputs and
 * weights are attached to the sub-manager while the call runs ({@link NDArray#tempAttach}) and go
 * back to their own manager when it closes; everything else the call made is freed then.
 */
final class CallScope implements AutoCloseable {
    final NDManager manager;

    CallScope(NDManager parent, Iterable<NDArray> inputs) {
        manager = parent.newSubManager();
        for (NDArray input : inputs) {
            input.tempAttach(manager);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
