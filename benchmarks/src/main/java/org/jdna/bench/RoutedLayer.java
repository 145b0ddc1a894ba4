package org.jdna.bench;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.UnaryOp;

/**
 * One routed MLP layer (MoE / DNA step) built from the backend SPI, forward and backward, the way
 * the engine's ops will compose it: router GEMM, top-k, dispatch (counting sort + row gather),
 * grouped MLP (D -> H -> D, GELU, no bias) over module-contiguous groups, weighted combine.
 * Nothing here allocates.
 */
public final class RoutedLayer {
    private RoutedLayer() {
    }

    /** out = combine(MLP_e(dispatch(x)), topk(x @ wr)). */
    public static void forward(RoutingProblem p) {
        RoutingShape s = p.shape;
        Backend be = p.backend;
        int n = s.tokens(), d = s.d(), e = s.experts();
        // logits (N, E) = x (N, D) @ wr (D, E)
        be.matmul().gemm(false, false, n, e, d, 1f, p.x, 0, d, 0, p.wr, 0, e, 0, 0f, p.logits, 0, e, 0, 1);
        topk(p);
        dispatch(p);
        groupedMlpForward(p);
        combine(p);
    }

    /** Router top-k: indices (N, K), weights (N, K) = full-softmax probabilities of the chosen. */
    public static void topk(RoutingProblem p) {
        RoutingShape s = p.shape;
        p.backend.routing().topk(p.indices, p.weights, p.probs, p.logits, null, s.tokens(), s.experts(), s.k(), false);
    }

    /** Counting sort of the (token, slot) pairs by module and xd (N*K, D) = x[sourceRows], one backend call. */
    public static void dispatch(RoutingProblem p) {
        RoutingShape s = p.shape;
        p.plan.dispatch(p.backend, p.xd, p.x, p.indices, s.tokens(), s.d());
    }

    /** Per module e: pre_e = xd_e @ w1_e, act = gelu(pre), y_e = act_e @ w2_e. */
    public static void groupedMlpForward(RoutingProblem p) {
        RoutingShape s = p.shape;
        Backend be = p.backend;
        int d = s.d(), h = s.hidden();
        for (int e = 0; e < s.experts(); e++) {
            int m = p.plan.count(e), r = p.plan.offset(e);
            if (m > 0) {
                be.matmul().gemm(false, false, m, h, d, 1f, p.xd, r * d, d, 0, p.w1, e * d * h, h, 0,
                        0f, p.pre, r * h, h, 0, 1);
            }
        }
        be.elementwise().unary(UnaryOp.GELU, p.act, p.pre, p.plan.rows() * h, 0f);
        for (int e = 0; e < s.experts(); e++) {
            int m = p.plan.count(e), r = p.plan.offset(e);
            if (m > 0) {
                be.matmul().gemm(false, false, m, d, h, 1f, p.act, r * h, h, 0, p.w2, e * h * d, d, 0,
                        0f, p.y, r * d, d, 0, 1);
            }
        }
    }

    /** out (N, D) = sum_j weights[t, j] * y[slotRows[t, j]]. */
    public static void combine(RoutingProblem p) {
        RoutingShape s = p.shape;
        p.backend.routing().combine(p.out, p.y, p.weights, p.plan.slotRows(), s.tokens(), s.k(), s.d());
    }

    /** Causal multi-head attention within each (module, sequence) segment of the dispatch rows. */
    public static void routedAttention(RoutingProblem p) {
        RoutingShape s = p.shape;
        p.backend.attention().forward(p.attnOut, p.lse, p.q, p.k, p.v, p.segments, s.heads(), s.headDim(), true,
                null, 0, (float) (1 / Math.sqrt(s.headDim())));
    }

    /** Gradients of every input and weight from dout, using what {@link #forward} saved. */
    public static void backward(RoutingProblem p) {
        RoutingShape s = p.shape;
        Backend be = p.backend;
        int n = s.tokens(), d = s.d(), e = s.experts(), h = s.hidden(), rows = p.plan.rows();
        // dy (N*K, D), dweights (N, K)
        be.routing().combineBackward(p.dy, p.dweights, p.dout, p.y, p.weights, p.plan.slotRows(), n, s.k(), d);
        for (int m = 0; m < e; m++) {
            int cnt = p.plan.count(m), r = p.plan.offset(m);
            if (cnt == 0) {
                be.fill(p.dw2, m * h * d, h * d, 0f);
                continue;
            }
            // dw2_m (H, D) = act_m^T @ dy_m; dact_m (cnt, H) = dy_m @ w2_m^T
            be.matmul().gemm(true, false, h, d, cnt, 1f, p.act, r * h, h, 0, p.dy, r * d, d, 0,
                    0f, p.dw2, m * h * d, d, 0, 1);
            be.matmul().gemm(false, true, cnt, h, d, 1f, p.dy, r * d, d, 0, p.w2, m * h * d, d, 0,
                    0f, p.dact, r * h, h, 0, 1);
        }
        be.elementwise().unaryBackward(UnaryOp.GELU, p.dpre, p.dact, p.pre, rows * h, 0f);
        for (int m = 0; m < e; m++) {
            int cnt = p.plan.count(m), r = p.plan.offset(m);
            if (cnt == 0) {
                be.fill(p.dw1, m * d * h, d * h, 0f);
                continue;
            }
            // dw1_m (D, H) = xd_m^T @ dpre_m; dxd_m (cnt, D) = dpre_m @ w1_m^T
            be.matmul().gemm(true, false, d, h, cnt, 1f, p.xd, r * d, d, 0, p.dpre, r * h, h, 0,
                    0f, p.dw1, m * d * h, h, 0, 1);
            be.matmul().gemm(false, true, cnt, d, h, 1f, p.dpre, r * h, h, 0, p.w1, m * d * h, h, 0,
                    0f, p.dxd, r * d, d, 0, 1);
        }
        // dx (N, D) = scatter-add of dxd back to tokens, then the router's share
        be.fill(p.dx, 0, n * d, 0f);
        be.indexing().indexAddRows(p.dx, p.dxd, p.plan.sourceRows(), rows, d);
        be.routing().topkBackward(p.dlogits, p.dweights, p.probs, p.indices, n, e, s.k(), false);
        // dwr (D, E) = x^T @ dlogits; dx += dlogits @ wr^T
        be.matmul().gemm(true, false, d, e, n, 1f, p.x, 0, d, 0, p.dlogits, 0, e, 0, 0f, p.dwr, 0, e, 0, 1);
        be.matmul().gemm(false, true, n, d, e, 1f, p.dlogits, 0, e, 0, p.wr, 0, e, 0, 1f, p.dx, 0, d, 0, 1);
    }
}
