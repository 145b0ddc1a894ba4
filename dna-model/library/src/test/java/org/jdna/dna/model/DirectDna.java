package org.jdna.dna.model;

import org.jdna.dna.config.ModelConfig;
import org.jdna.engine.nn.MultiHeadAttention;
import org.jdna.engine.nn.TransformerBlock;
import org.jdna.engine.tensor.Tensor;

/**
 * A direct, unoptimised implementation of a DNA language model's forward pass, for the preset
 * equivalence tests (issue 7): no dispatch plan, no gathers, no routing kernels. Every module runs on
 * every token of the batch as a dense transformer block would, and a module's attention is limited to
 * the tokens routed to it by a 0/1 mask (both tokens chosen, key position <= query position), the way
 * one writes it in PyTorch; the rows of the tokens that chose the module are kept. Router
 * probabilities, top-k (ties to the lower index), sticky exits and the combination
 * h + sum_i w_i (M_i(h) - h) are computed on the host in double. It reads the model's weights through
 * its modules (embeddings, blocks, router maps, output node), so any difference is in the routing.
 *
 * <p>Legend: B sequences, T tokens each, N = B*T, D width, E_s modules allowed at a step, K choices.
 */
final class DirectDna {
    private final DnaModel model;
    private final ModelConfig c;

    DirectDna(DnaModel model) {
        this.model = model;
        this.c = model.config();
    }

    /** tokens (B, T) -> logits (N, V). */
    float[] logits(int[] tokens, int batch) {
        int seqLen = tokens.length / batch;
        int n = tokens.length;
        int d = c.width();
        int[] dense = MultiHeadAttention.denseSegments(batch, seqLen);
        Tensor h = model.tokenInput().forward(tokens, batch, seqLen);
        for (TransformerBlock b : model.backbone()) {
            h = b.forward(h, dense, true, null);
        }
        float[] bias = model.identityBias();
        boolean[] exited = new boolean[n];
        Pool pool = model.pool();
        for (int s = 0; s < c.routedSteps(); s++) {
            if (c.stepAttention()) {
                h = model.stepAttention(s).attentionHalf(h, dense, true, null);
            }
            int[] allowed = c.allowedModules(s);
            if (allowed.length == 1) {
                TransformerBlock only = pool.block(allowed[0]);
                h = only == null ? h : only.forward(h, dense, true, null);
                continue;
            }
            int k = c.topK();
            int m = allowed.length;
            float[] logits = model.router(s).logits(h).toArray();             // (N, E_s)
            int[][] chosen = new int[n][k];
            double[][] weight = new double[n][k];
            for (int t = 0; t < n; t++) {
                double[] rho = softmax(logits, t * m, m);
                boolean[] taken = new boolean[m];
                for (int j = 0; j < k; j++) {
                    int best = -1;
                    for (int i = 0; i < m; i++) {
                        double score = (float) rho[i] + bias[s * c.poolSize() + allowed[i]];
                        double bestScore = best < 0 ? 0 : (float) rho[best] + bias[s * c.poolSize() + allowed[best]];
                        if (!taken[i] && (best < 0 || score > bestScore)) {
                            best = i;
                        }
                    }
                    taken[best] = true;
                    chosen[t][j] = best;
                    weight[t][j] = rho[best];
                }
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    sum += weight[t][j];
                }
                for (int j = 0; j < k; j++) {
                    weight[t][j] = c.straightThrough() ? 1.0 : c.renormalize() ? weight[t][j] / sum : weight[t][j];
                }
            }
            if (c.exitSticky()) {
                int exitSlot = -1;
                for (int i = m - 1; i >= 0; i--) {
                    exitSlot = pool.kind(allowed[i]).isIdentity() ? i : exitSlot;
                }
                for (int t = 0; t < n; t++) {
                    if (exited[t]) {
                        java.util.Arrays.fill(chosen[t], exitSlot);
                    } else {
                        boolean all = true;
                        for (int j = 0; j < k; j++) {
                            all &= pool.kind(allowed[chosen[t][j]]).isIdentity();
                        }
                        exited[t] = all;
                    }
                }
            }
            float[] hv = h.toArray();
            double[] next = new double[n * d];
            for (int i = 0; i < next.length; i++) {
                next[i] = hv[i];
            }
            for (int i = 0; i < m; i++) {
                TransformerBlock block = pool.block(allowed[i]);
                if (block == null) {
                    continue; // identity: M(h) - h = 0
                }
                boolean[] routed = new boolean[n];
                for (int t = 0; t < n; t++) {
                    for (int j = 0; j < k; j++) {
                        routed[t] |= chosen[t][j] == i;
                    }
                }
                float[] y = block.forward(h, dense, true, mask(routed, batch, seqLen)).toArray();
                for (int t = 0; t < n; t++) {
                    for (int j = 0; j < k; j++) {
                        if (chosen[t][j] == i) {
                            for (int x = 0; x < d; x++) {
                                next[t * d + x] += weight[t][j] * ((double) y[t * d + x] - hv[t * d + x]);
                            }
                        }
                    }
                }
            }
            float[] nf = new float[next.length];
            for (int i = 0; i < nf.length; i++) {
                nf[i] = (float) next[i];
            }
            h = Tensor.of(nf, n, d);
        }
        return model.output().tokenLogits(h).toArray();
    }

    // (B, T, T) 0/1: query p and key u of the same sequence may meet when both are routed; a row with no
    // routed token keeps its diagonal so the softmax stays finite (those rows are not read).
    private static Tensor mask(boolean[] routed, int batch, int seqLen) {
        float[] m = new float[batch * seqLen * seqLen];
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < seqLen; p++) {
                for (int u = 0; u < seqLen; u++) {
                    boolean both = routed[b * seqLen + p] && routed[b * seqLen + u];
                    m[(b * seqLen + p) * seqLen + u] = both || (p == u && !routed[b * seqLen + p]) ? 1f : 0f;
                }
            }
        }
        return Tensor.of(m, batch, seqLen, seqLen);
    }

    private static double[] softmax(float[] logits, int from, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, logits[from + i]);
        }
        double[] p = new double[count];
        double sum = 0;
        for (int i = 0; i < count; i++) {
            p[i] = Math.exp(logits[from + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < count; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
