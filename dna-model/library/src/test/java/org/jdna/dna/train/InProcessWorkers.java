package org.jdna.dna.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * N workers as N threads of one process, for tests of the trainer's side of data-parallel training: each
 * collective leaves its input in a shared slot, waits for all, reads what it needs, and waits again before the
 * slots are reused. The sum is the plain left-to-right float sum in rank order, the rule every transport must keep.
 */
public final class InProcessWorkers {
    private final int size;
    private final Object[] slots;
    private final CyclicBarrier barrier;

    public InProcessWorkers(int size) {
        this.size = size;
        this.slots = new Object[size];
        this.barrier = new CyclicBarrier(size);
    }

    /** The group as worker {@code rank} sees it. */
    public WorkerGroup worker(int rank) {
        return new WorkerGroup() {
            @Override
            public int rank() { return rank; }

            @Override
            public int size() { return size; }

            @Override
            public void sumInRankOrder(float[] v) {
                slots[rank] = v.clone();
                await();
                float[] sum = ((float[]) slots[0]).clone();
                for (int r = 1; r < size; r++) {
                    float[] x = (float[]) slots[r];
                    for (int k = 0; k < sum.length; k++) {
                        sum[k] += x[k];
                    }
                }
                await();
                System.arraycopy(sum, 0, v, 0, v.length);
            }

            @Override
            public List<byte[]> allGather(byte[] mine) {
                slots[rank] = mine.clone();
                await();
                List<byte[]> all = new ArrayList<>();
                for (Object o : slots) {
                    all.add(Arrays.copyOf((byte[]) o, ((byte[]) o).length));
                }
                await();
                return all;
            }
        };
    }

    private void await() {
        try {
            barrier.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("a worker did not reach the collective", e);
        }
    }
}
