package org.jdna.dna.parallel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import org.jdna.dna.train.WorkerGroup;

/**
 * The trainer's {@link WorkerGroup} over {@link ShardOrderAllReduce}: the gradient sum and the exchange of the
 * shards' losses and routes go over the workers' pairwise TCP connections. Counts what the gradient all-reduce
 * costs this worker (floats summed, bytes it sent, wall time) for the run's report.
 */
public final class SocketWorkers implements WorkerGroup, AutoCloseable {
    private final ShardOrderAllReduce reduce;
    private long sums;
    private long sumFloats;
    private long sumNanos;
    private long gatherNanos;

    /** Connects worker {@code rank} to the others (see {@link ShardOrderAllReduce}'s constructor). */
    public SocketWorkers(int rank, List<InetSocketAddress> addresses, ServerSocket server, int timeoutMillis)
            throws IOException {
        this.reduce = new ShardOrderAllReduce(rank, addresses, server, timeoutMillis);
    }

    @Override
    public int rank() { return reduce.rank(); }

    @Override
    public int size() { return reduce.workers(); }

    @Override
    public void sumInRankOrder(float[] v) {
        long start = System.nanoTime();
        reduce.sum(v);
        sumNanos += System.nanoTime() - start;
        sumFloats += v.length;
        sums++;
    }

    @Override
    public List<byte[]> allGather(byte[] mine) {
        long start = System.nanoTime();
        List<byte[]> all = reduce.allGather(mine);
        gatherNanos += System.nanoTime() - start;
        return all;
    }

    /** What the collectives cost this worker so far. */
    public Cost cost() {
        return new Cost(sums, sumFloats, reduce.sumBytesSent(), sumNanos,
                gatherNanos);
    }

    /**
     * @param sums         gradient all-reduces (one per step)
     * @param floats       floats summed over all of them (gradients and one flag per parameter)
     * @param bytesSent    bytes this worker sent for them (it received as many)
     * @param sumNanos     wall time inside them, waiting for slower workers included
     * @param gatherNanos  wall time exchanging the shards' losses and routes (which also waits for the others'
     *                     forward passes)
     */
    public record Cost(long sums, long floats, long bytesSent, long sumNanos, long gatherNanos)
            implements java.io.Serializable {}

    @Override
    public void close() {
        reduce.close();
    }
}
