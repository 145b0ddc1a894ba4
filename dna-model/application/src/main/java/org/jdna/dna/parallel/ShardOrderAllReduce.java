package org.jdna.dna.parallel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An all-reduce whose sum never depends on timing or on the number of hops: worker r of N holds a vector
 * v_r of L floats; afterwards every worker holds s = (((v_0 + v_1) + v_2) + ... + v_(N-1)), added left to right
 * in rank order, which is exactly what one process that accumulates the N shards' gradients in shard order
 * computes ({@code train.microBatches = N}). A ring reduce-scatter would add in ring order (for N >= 3 another
 * rounding), so the reduce-scatter here is direct: chunk c (elements [c L / N, (c + 1) L / N)) of every v_r goes
 * to its owner, worker c, which adds the N pieces in rank order; then each owner sends its summed chunk to every
 * other worker (all-gather). Each worker sends and receives (N - 1) / N of the vector in each phase, as in the
 * ring.
 *
 * <p>Workers are connected pairwise over TCP: worker j connects to the server of every worker i < j and
 * introduces itself by rank. Every connect and read is bounded by {@code timeoutMillis}.
 */
public final class ShardOrderAllReduce implements AutoCloseable {
    private final int rank;
    private final int workers;
    private final Socket[] peers;
    private final DataInputStream[] in;
    private final DataOutputStream[] out;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong sumBytesSent = new AtomicLong();

    /**
     * @param rank          this worker, 0..N-1
     * @param addresses     every worker's server address, by rank (N entries)
     * @param server        this worker's own server socket (at addresses[rank])
     * @param timeoutMillis bound on each connect, accept and read
     */
    public ShardOrderAllReduce(int rank, List<InetSocketAddress> addresses, ServerSocket server, int timeoutMillis)
            throws IOException {
        this.rank = rank;
        this.workers = addresses.size();
        if (rank < 0 || rank >= workers) {
            throw new IllegalArgumentException("ShardOrderAllReduce: rank " + rank + " of " + workers + " workers");
        }
        this.peers = new Socket[workers];
        this.in = new DataInputStream[workers];
        this.out = new DataOutputStream[workers];
        for (int i = 0; i < rank; i++) {                 // connect to the lower ranks
            Socket s = new Socket();
            s.connect(addresses.get(i), timeoutMillis);
            attach(i, s, timeoutMillis);
            out[i].writeInt(rank);
            out[i].flush();
        }
        server.setSoTimeout(timeoutMillis);
        for (int k = rank + 1; k < workers; k++) {       // accept the higher ranks, in whatever order they come
            Socket s = server.accept();
            s.setSoTimeout(timeoutMillis);
            int peer = new DataInputStream(s.getInputStream()).readInt();
            if (peer <= rank || peer >= workers || peers[peer] != null) {
                s.close();
                throw new IOException("ShardOrderAllReduce: worker " + rank + " was contacted by unexpected rank " + peer);
            }
            attach(peer, s, timeoutMillis);
        }
    }

    private void attach(int peer, Socket s, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        s.setTcpNoDelay(true);
        peers[peer] = s;
        in[peer] = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 1 << 16));
        out[peer] = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16));
    }

    public int rank() { return rank; }

    public int workers() { return workers; }

    /**
     * Bytes this worker has sent in {@link #sum} so far (it receives as many): per call (N - 1) / N of the vector
     * in each phase, 2 (N - 1) / N x 4 L bytes in all, as in a ring (docs/distributed.md).
     */
    public long sumBytesSent() { return sumBytesSent.get(); }

    /** Start of chunk c of a vector of {@code length}. */
    static int chunkStart(int length, int c, int n) { return (int) ((long) length * c / n); }

    /** Replaces {@code v} by the rank-ordered sum of every worker's {@code v} (all workers pass the same length). */
    public void sum(float[] v) {
        int n = workers;
        int length = v.length;
        // reduce-scatter: my chunk of every worker's vector, added in rank order
        int myStart = chunkStart(length, rank, n);
        int myEnd = chunkStart(length, rank + 1, n);
        List<Future<?>> sends = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            if (c != rank) {
                sends.add(send(c, v, chunkStart(length, c, n), chunkStart(length, c + 1, n)));
            }
        }
        float[] mine = new float[myEnd - myStart];
        for (int r = 0; r < n; r++) {
            float[] piece = r == rank ? java.util.Arrays.copyOfRange(v, myStart, myEnd) : receive(r, mine.length);
            for (int k = 0; k < mine.length; k++) {
                mine[k] = r == 0 ? piece[k] : mine[k] + piece[k];
            }
        }
        await(sends);
        // all-gather: every owner's summed chunk to everyone
        System.arraycopy(mine, 0, v, myStart, mine.length);
        sends.clear();
        for (int p = 0; p < n; p++) {
            if (p != rank) {
                sends.add(send(p, v, myStart, myEnd));
            }
        }
        for (int c = 0; c < n; c++) {
            if (c != rank) {
                int start = chunkStart(length, c, n);
                float[] chunk = receive(c, chunkStart(length, c + 1, n) - start);
                System.arraycopy(chunk, 0, v, start, chunk.length);
            }
        }
        await(sends);
    }

    /** Every worker's {@code mine}, by rank (this worker's own included); messages may differ in length. */
    public List<byte[]> allGather(byte[] mine) {
        List<Future<?>> sends = new ArrayList<>();
        for (int p = 0; p < workers; p++) {
            if (p != rank) {
                int peer = p;
                sends.add(senders.submit(() -> {
                    out[peer].writeInt(mine.length);
                    out[peer].write(mine);
                    out[peer].flush();
                    return null;
                }));
            }
        }
        List<byte[]> all = new ArrayList<>(workers);
        for (int r = 0; r < workers; r++) {
            if (r == rank) {
                all.add(mine);
                continue;
            }
            try {
                byte[] bytes = new byte[in[r].readInt()];
                in[r].readFully(bytes);
                all.add(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("ShardOrderAllReduce: worker " + rank + " lost worker " + r, e);
            }
        }
        await(sends);
        return all;
    }

    private Future<?> send(int peer, float[] v, int from, int to) {
        ByteBuffer b = ByteBuffer.allocate(4 * (to - from)).order(ByteOrder.BIG_ENDIAN);
        b.asFloatBuffer().put(v, from, to - from);
        byte[] bytes = b.array();
        sumBytesSent.addAndGet(bytes.length);
        return senders.submit(() -> {
            out[peer].write(bytes);
            out[peer].flush();
            return null;
        });
    }

    private float[] receive(int peer, int count) {
        try {
            byte[] bytes = new byte[4 * count];
            in[peer].readFully(bytes);
            float[] f = new float[count];
            ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("ShardOrderAllReduce: worker " + rank + " lost worker " + peer, e);
        }
    }

    private void await(List<Future<?>> sends) {
        for (Future<?> f : sends) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("ShardOrderAllReduce: interrupted", e);
            } catch (ExecutionException e) {
                throw new UncheckedIOException("ShardOrderAllReduce: worker " + rank + " could not send",
                        e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
            }
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
        for (Socket s : peers) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing: nothing left to tell the peer
                }
            }
        }
    }
}
