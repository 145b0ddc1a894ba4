package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.memory.MemoryStats;
import org.jdna.engine.nn.TransformerBlock;
import org.jdna.engine.ops.ConcurrentParts;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A scope on the SIMD backend takes what the pool's worker threads allocate for this thread's
 * ConcurrentParts, forward and backward: everything comes back when it closes, what was made on a
 * worker throws afterwards, and a repeated step takes no new block and gives the same bits.
 */
class SimdMemoryScopeTest {

    private record Step(float[] out, float[] grad) {
    }

    @Test
    @SuppressWarnings("try") // the scope is only closed
    void workersAllocateIntoTheCallersScope() {
        try (SimdBackend backend = new SimdBackend(2)) {
            Backend previous = Backends.current();
            Backends.use(backend);
            try {
                Rng rng = new Rng(3);
                TransformerBlock.Options options = TransformerBlock.Options.gpt2(32, 4);
                TransformerBlock[] modules = {new TransformerBlock(options, rng), new TransformerBlock(options, rng)};
                Tensor[] inputs = {Tensor.randn(rng, 1f, 40, 32).requiresGrad(true),
                        Tensor.randn(rng, 1f, 24, 32).requiresGrad(true)};
                Step plain = step(modules, inputs, null);
                Set<Thread> threads = ConcurrentHashMap.newKeySet();
                Tensor[] fromWorker = new Tensor[1];
                Thread caller = Thread.currentThread();
                java.util.concurrent.CountDownLatch onWorker = new java.util.concurrent.CountDownLatch(1);
                long inUse = backend.memoryStats().bytesInUse();
                long created = 0;
                for (int i = 0; i < 4; i++) {
                    Step scoped;
                    try (MemoryScope scope = MemoryScope.open()) {
                        scoped = step(modules, inputs, (part, y) -> {
                            threads.add(Thread.currentThread());
                            if (Thread.currentThread() != caller) {
                                fromWorker[0] = y;
                                onWorker.countDown();
                            } else {
                                // On a loaded machine the caller could take both parts before the worker wakes;
                                // holding its part until the worker has taken the other makes one run there.
                                awaitQuietly(onWorker);
                            }
                        });
                    }
                    MemoryStats stats = backend.memoryStats();
                    assertEquals(inUse, stats.bytesInUse(), "step " + i + ": a block made on a worker was not returned");
                    if (i >= 2) {
                        assertEquals(created, stats.blocksCreated(), "step " + i + " made new blocks");
                    }
                    created = stats.blocksCreated();
                    assertArrayEquals(plain.out(), scoped.out(), "scopes changed the output");
                    assertArrayEquals(plain.grad(), scoped.grad(), "scopes changed a gradient");
                }
                assertTrue(threads.stream().anyMatch(t -> t != Thread.currentThread()), "no part ran on a worker");
                assertThrows(IllegalStateException.class, fromWorker[0]::toArray);
            } finally {
                Backends.use(previous);
            }
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Spy {
        void saw(int part, Tensor output);
    }

    // the two modules side by side on their inputs, then backward; returns the output and the first weight's gradient
    private static Step step(TransformerBlock[] modules, Tensor[] inputs, Spy spy) {
        Tensor out = ConcurrentParts.concat(inputs, (i, x) -> {
            Tensor y = modules[i].forward(x, new int[]{0, x.dim(0)}, true, null);
            if (spy != null) {
                spy.saw(i, y);
            }
            return y;
        });
        out.backward(Tensor.ones(out.shape()));
        float[] values = out.toArray();
        Tensor w = modules[0].parameters().getFirst();
        float[] grad = w.grad().toArray();
        for (TransformerBlock m : modules) {
            m.zeroGrad();
        }
        for (Tensor x : inputs) {
            x.zeroGrad();
        }
        return new Step(values, grad);
    }
}
