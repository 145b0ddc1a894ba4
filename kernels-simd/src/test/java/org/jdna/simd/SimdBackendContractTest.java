package org.jdna.simd;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.contract.BackendContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * The shared contract suite on the SIMD backend with 1 and 2 threads, at the JVM's species. The
 * pom runs this class once per species (512, 256, 128 bits and scalar) in separate JVMs, since
 * the species is a start-up constant ({@link SimdConfig}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimdBackendContractTest {
    private final SimdBackend oneThread = new SimdBackend(1);
    private final SimdBackend twoThreads = new SimdBackend(2);

    @AfterAll
    void closePools() {
        oneThread.close();
        twoThreads.close();
    }

    @Nested
    class OneThread extends BackendContract {
        @Override
        protected Backend backend() {
            return oneThread;
        }
    }

    @Nested
    class TwoThreads extends BackendContract {
        @Override
        protected Backend backend() {
            return twoThreads;
        }
    }
}
