package org.jdna.bench;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;

/**
 * Inputs, weights and every buffer of one routed MLP layer at a {@link RoutingShape}, allocated
 * once on a backend; {@link #route()} leaves a valid routing in place so each kernel can also be
 * timed alone. Random data is seeded: every run sees the same routing.
 *
 * <p>Shapes: x, out, dout, dx (N, D); router wr (D, E); logits, probs, dlogits (N, E);
 * weights, dweights (N, K); dispatch buffers xd, y, dy, dxd (N*K, D); hidden pre, act, dpre, dact
 * (N*K, H); module weights w1 (E, D, H), w2 (E, H, D) and their gradients; attention q, k, v,
 * attnOut (N*K, D) and lse (heads, N*K).
 */
public final class RoutingProblem {
    final RoutingShape shape;
    final Backend backend;
    final ReusableDispatchPlan plan;
    final int[] indices;
    /** Routed attention's (module, sequence) segments: length E*B + 1. */
    final int[] segments;

    final Storage x, wr, logits, probs, weights;
    final Storage xd, pre, act, y, out;
    final Storage w1, w2;
    final Storage dout, dy, dweights, dact, dpre, dxd, dx, dlogits, dw1, dw2, dwr;
    final Storage q, k, v, attnOut, lse;

    public RoutingProblem(RoutingShape shape, Backend backend) {
        this.shape = shape;
        this.backend = backend;
        int n = shape.tokens(), d = shape.d(), e = shape.experts(), kk = shape.k(), h = shape.hidden();
        int rows = shape.dispatchRows();
        plan = new ReusableDispatchPlan(n, e, kk);
        indices = new int[n * kk];
        segments = new int[e * shape.batch() + 1];

        // Scales keep activations O(1): logits ~ N(0, 1) so routing is spread over all modules.
        x = HostData.gaussian(backend, n * d, 1, 1f);
        wr = HostData.gaussian(backend, d * e, 2, (float) (1 / Math.sqrt(d)));
        w1 = HostData.gaussian(backend, e * d * h, 3, (float) (1 / Math.sqrt(d)));
        w2 = HostData.gaussian(backend, e * h * d, 4, (float) (1 / Math.sqrt(h)));
        dout = HostData.gaussian(backend, n * d, 5, 1f);
        q = HostData.gaussian(backend, rows * d, 6, 1f);
        k = HostData.gaussian(backend, rows * d, 7, 1f);
        v = HostData.gaussian(backend, rows * d, 8, 1f);

        logits = backend.allocate(n * e);
        probs = backend.allocate(n * e);
        weights = backend.allocate(n * kk);
        xd = backend.allocate(rows * d);
        pre = backend.allocate(rows * h);
        act = backend.allocate(rows * h);
        y = backend.allocate(rows * d);
        out = backend.allocate(n * d);
        dy = backend.allocate(rows * d);
        dweights = backend.allocate(n * kk);
        dact = backend.allocate(rows * h);
        dpre = backend.allocate(rows * h);
        dxd = backend.allocate(rows * d);
        dx = backend.allocate(n * d);
        dlogits = backend.allocate(n * e);
        dw1 = backend.allocate(e * d * h);
        dw2 = backend.allocate(e * h * d);
        dwr = backend.allocate(d * e);
        attnOut = backend.allocate(rows * d);
        lse = backend.allocate(shape.heads() * rows);
    }

    /** Runs the forward once so that indices, plan, segments, xd and y hold a real routing. */
    public RoutingProblem route() {
        RoutedLayer.forward(this);
        plan.sequenceSegments(segments, shape.batch(), shape.seqLen());
        backend.synchronize();
        return this;
    }

    /** Host copies of what the kernels wrote, for checking another implementation against jdna's. */
    public record Outputs(int[] indices, float[] weights, float[] xd, float[] y, float[] out, float[] attention, float[] dx) {
    }

    /** The buffers as they are now (after {@link RoutedLayer#forward}, {@link RoutedLayer#routedAttention}, {@link RoutedLayer#backward}). */
    public Outputs outputs() {
        backend.synchronize();
        return new Outputs(indices.clone(), host(weights, shape.dispatchRows()), host(xd, shape.dispatchRows() * shape.d()),
                host(y, shape.dispatchRows() * shape.d()), host(out, shape.tokens() * shape.d()),
                host(attnOut, shape.dispatchRows() * shape.d()), host(dx, shape.tokens() * shape.d()));
    }

    private float[] host(Storage s, int n) {
        float[] a = new float[n];
        backend.copyOut(s, 0, a, 0, n);
        return a;
    }

    /** topk's bytes: logits read, probs written (N, E); weights and indices written (N, K). */
    public double topkBytes() {
        return 4.0 * (2L * shape.tokens() * shape.experts() + 2L * shape.dispatchRows());
    }

    /**
     * dispatch's bytes: N*K rows of D floats read and written by the gather, plus the plan's ints
     * (indices read, sourceRows written and read back, slotRows written).
     */
    public double dispatchBytes() {
        return 4.0 * (2L * shape.dispatchRows() * shape.d() + 4L * shape.dispatchRows());
    }

    /** combine's bytes: y (N*K, D) read, out (N, D) written, weights and slotRows (N*K) read. */
    public double combineBytes() {
        return 4.0 * ((long) shape.dispatchRows() * shape.d() + (long) shape.tokens() * shape.d()
                + 2L * shape.dispatchRows());
    }

    /** Causal attention FLOPs of the current segments: QK^T and PV over pairs u <= t, 2*D each. */
    public double attentionFlops() {
        double pairs = 0;
        for (int s = 0; s + 1 < segments.length; s++) {
            long len = segments[s + 1] - segments[s];
            pairs += len * (len + 1) / 2.0;
        }
        return pairs * 2 * 2 * shape.d();
    }

    /** Router GEMM plus grouped MLP FLOPs of the forward: 2*N*D*E + 4*N*K*D*H. */
    public double forwardFlops() {
        return 2.0 * shape.tokens() * shape.d() * shape.experts() + groupedMlpFlops();
    }

    /** Grouped MLP forward FLOPs: two GEMMs of 2*N*K*D*H each. */
    public double groupedMlpFlops() {
        return 4.0 * shape.dispatchRows() * shape.d() * shape.hidden();
    }

    /** Forward plus backward (dX and dW of every GEMM: twice the forward's GEMM FLOPs). */
    public double forwardBackwardFlops() {
        return 3 * forwardFlops();
    }
}
