package org.jdna.dna.train;

import java.util.List;

/**
 * The data-parallel workers of one run, as the trainer sees them: N processes (or threads) that each hold a copy
 * of the model and run shard {@link #rank()} of every step's batch (train.microBatches = N shards), and the two
 * collective operations a step needs. How the workers find each other and move the bytes is the caller's (the
 * application runs them as Spark barrier tasks over TCP, docs/distributed.md); the library never sees more than
 * this interface. {@link #SINGLE} is the one process of an ordinary run, which runs every shard itself.
 *
 * <p>Exactness rests on {@link #sumInRankOrder}: every worker must get the same bits, and they must be those of
 * the left-to-right sum v_0 + v_1 + ... + v_(N-1), the order in which one process accumulates its shards.
 */
public interface WorkerGroup {
    /** One process that runs every shard of a step (no collective is ever called). */
    WorkerGroup SINGLE = new WorkerGroup() {
        @Override
        public int rank() { return 0; }

        @Override
        public int size() { return 1; }

        @Override
        public void sumInRankOrder(float[] v) { }

        @Override
        public List<byte[]> allGather(byte[] mine) { return List.of(mine); }
    };

    /** This worker, 0..N-1: the shard of each batch it runs. Worker 0 leads: it alone writes the run's files. */
    int rank();

    /** N, the number of workers. */
    int size();

    /**
     * Replaces {@code v} by (((v_0 + v_1) + v_2) + ... + v_(N-1)), worker r's vector being v_r, added left to right
     * in rank order as float; every worker passes a vector of the same length and gets the same bits back.
     */
    void sumInRankOrder(float[] v);

    /** Every worker's {@code mine}, by rank (this worker's own included). */
    List<byte[]> allGather(byte[] mine);

    /** True for the worker that writes the run's files (metrics, checkpoints, summary): worker 0. */
    default boolean leads() { return rank() == 0; }
}
