package org.jdna.dna.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.jdna.dna.model.RoutingTrace;
import org.jdna.dna.model.StepRoutes;

/**
 * What a data-parallel worker tells the others about its shard after the forward pass, so that every worker can
 * do what one process with train.microBatches = N does with the N shards: check each shard's loss, average the
 * losses in shard order, and update the identity-bias controller from the routes of the whole batch.
 *
 * @param loss  the shard's cross-entropy (NaN when its forward pass refused non-finite values)
 * @param aux   its auxiliary loss (Switch, distillation), 0 when none
 * @param trace its routing trace, null when the forward pass failed
 */
record ShardReport(double loss, double aux, RoutingTrace trace) {

    /** Every worker's report, in shard (= rank) order; {@code mine} is this worker's. */
    static List<ShardReport> exchange(WorkerGroup workers, ShardReport mine) {
        List<byte[]> all = workers.allGather(mine.encode());
        List<ShardReport> reports = new ArrayList<>(all.size());
        for (int r = 0; r < all.size(); r++) {
            reports.add(r == workers.rank() ? mine : decode(all.get(r), mine.trace()));
        }
        return reports;
    }

    // loss, aux, then per routed step: (N*K) module indices and (N*K) weights
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeDouble(loss);
            out.writeDouble(aux);
            List<StepRoutes> steps = trace == null ? List.of() : trace.steps();
            out.writeInt(steps.size());
            for (StepRoutes s : steps) {
                out.writeInt(s.modules().length);
                for (int m : s.modules()) {
                    out.writeInt(m);
                }
                for (float w : s.weights()) {
                    out.writeFloat(w);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);          // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Another worker's report. Its trace takes the shape and the identity biases of {@code like}, this worker's own
     * trace: the replicas hold the same biases, and every shard has the same rows.
     */
    static ShardReport decode(byte[] message, RoutingTrace like) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
            double loss = in.readDouble();
            double aux = in.readDouble();
            int count = in.readInt();
            if (count == 0 || like == null) {
                return new ShardReport(loss, aux, null);
            }
            if (count != like.steps().size()) {
                throw new IllegalStateException("a worker's shard has " + count + " routed steps, this one's "
                        + like.steps().size() + ": the workers do not run the same model");
            }
            List<StepRoutes> steps = new ArrayList<>(count);
            for (int s = 0; s < count; s++) {
                int n = in.readInt();
                int[] modules = new int[n];
                float[] weights = new float[n];
                for (int i = 0; i < n; i++) {
                    modules[i] = in.readInt();
                }
                for (int i = 0; i < n; i++) {
                    weights[i] = in.readFloat();
                }
                steps.add(new StepRoutes(modules, weights, like.steps().get(s).identityBias()));
            }
            return new ShardReport(loss, aux, new RoutingTrace(like.batch(), like.seqLen(), like.topK(), like.pool(),
                    steps));
        } catch (IOException e) {
            throw new IllegalStateException("a worker's shard report is cut short (" + e + ")", e);
        }
    }
}
