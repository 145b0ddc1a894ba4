package org.jdna.dna.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * N workers on 127.0.0.1, each on its own thread: all get the left-to-right, rank-order sum, bit for bit; each sends
 * the bytes the scaling model counts; an all-gather hands every worker every message.
 */
class ShardOrderAllReduceTest {
    private static byte[] message(int rank) {
        return ("worker " + rank + " " + "x".repeat(100 * rank)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5})
    void everyWorkerGetsTheRankOrderSum(int n) throws Exception {
        int length = 1001;                               // not a multiple of n: chunks of unequal size
        Random rng = new Random(7);
        float[][] v = new float[n][length];
        for (float[] x : v) {
            for (int k = 0; k < length; k++) {
                x[k] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3));  // magnitudes 1e-3..1e3: order matters
            }
        }
        float[] expected = v[0].clone();                 // what train.microBatches = n accumulates
        for (int r = 1; r < n; r++) {
            for (int k = 0; k < length; k++) {
                expected[k] += v[r][k];
            }
        }
        if (n >= 3) {                                    // the data can tell orders apart
            float[] otherOrder = v[n - 1].clone();
            for (int r = n - 2; r >= 0; r--) {
                for (int k = 0; k < length; k++) {
                    otherOrder[k] += v[r][k];
                }
            }
            assertFalse(Arrays.equals(expected, otherOrder));
        }
        List<ServerSocket> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        InetAddress local = InetAddress.getLoopbackAddress();
        for (int r = 0; r < n; r++) {
            ServerSocket s = new ServerSocket(0, n, local);
            servers.add(s);
            addresses.add(new InetSocketAddress(local, s.getLocalPort()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    float[] mine = v[rank].clone();
                    try (ShardOrderAllReduce reduce = new ShardOrderAllReduce(rank, addresses, servers.get(rank), 10_000)) {
                        reduce.sum(mine);
                        reduce.sum(new float[3]);        // a second round on the same connections
                        // messages of different lengths, every worker's to every worker, by rank
                        List<byte[]> all = reduce.allGather(message(rank));
                        for (int p = 0; p < n; p++) {
                            assertArrayEquals(message(p), all.get(p), "worker " + rank + " got worker " + p + "'s");
                        }
                        // every chunk but its own to the chunks' owners, then its own chunk to the N - 1 others:
                        // 2 (N - 1) / N of the vector when the chunks are equal
                        long floats = 0;
                        for (int l : new int[] {length, 3}) {
                            int own = ShardOrderAllReduce.chunkStart(l, rank + 1, n)
                                    - ShardOrderAllReduce.chunkStart(l, rank, n);
                            floats += l - own + (long) (n - 1) * own;
                        }
                        long chunks = 4 * floats;
                        assertEquals(chunks, reduce.sumBytesSent());
                    }
                    return mine;
                }));
            }
            for (int r = 0; r < n; r++) {
                assertArrayEquals(expected, results.get(r).get(30, TimeUnit.SECONDS), "worker " + r);
            }
        } finally {
            pool.shutdownNow();
            for (ServerSocket s : servers) {
                s.close();
            }
        }
    }
}
