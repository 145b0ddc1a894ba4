package org.jdna.engine.backend;

/**
 * A flat float32 buffer owned by one {@link Backend}. The engine never looks inside: it only hands
 * storages back to the backend that made them, with element offsets and sizes.
 *
 * <p>Closing frees the memory (device memory for GPU backends); any later use is an error that the
 * engine reports with the op's name.
 */
public interface Storage extends AutoCloseable {

    /** The backend that allocated this storage and alone may read or write it. */
    Backend backend();

    /** Length in float elements. */
    int length();

    boolean isClosed();

    @Override
    void close();
}
