package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;
import static org.jdna.engine.backend.HeapStorage.arrayOrNull;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jdna.engine.backend.NormKernels;
import org.jdna.engine.backend.Storage;

/**
 * Row-wise kernels: softmax and log-softmax, LayerNorm, RMSNorm and cross-entropy, forward and
 * backward. Rows are split over the pool; the parameter gradients (dw, db), which sum over rows,
 * are computed in a second pass split over columns, each column summed by one thread in row order
 * (blocks of rows in float, block sums in double), so no result depends on the thread count.
 *
 * <p>Legend: R rows, C columns; row r of x is x[r*C .. r*C + C).
 */
final class SimdNorms implements NormKernels {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** Elements per parallel chunk. */
    private static final int GRAIN = 1 << 13;
    /** Rows summed in float before the partial column sums are added in double. */
    private static final int ROW_BLOCK = 128;

    private final Parallel parallel;

    SimdNorms(Parallel parallel) {
        this.parallel = parallel;
    }

    private int rowGrain(int cols) {
        return Math.max(1, GRAIN / Math.max(1, cols));
    }

    // ---------------------------------------------------------------- softmax

    @Override
    public void softmax(Storage outS, Storage xS, int rows, int cols, boolean log) {
        float[] out = array(outS), x = array(xS);
        parallel.forRange(rows, rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                float max = VectorOps.max(x, base, cols);
                if (log) {
                    float shift = max + (float) Math.log(VectorOps.sumExpShifted(x, base, cols, max));
                    VectorOps.scaleShift(out, base, x, base, cols, 1f, -shift);
                } else {
                    float sum = VectorOps.expShifted(out, base, x, base, cols, max);
                    VectorOps.scaleShift(out, base, out, base, cols, 1f / sum, 0f);
                }
            }
        });
    }

    /** softmax: dx = out * (dout - sum(dout * out)); log-softmax: dx = dout - exp(out) * sum(dout). */
    @Override
    public void softmaxBackward(Storage dxS, Storage doutS, Storage outS, int rows, int cols, boolean log) {
        float[] dx = array(dxS), dout = array(doutS), out = array(outS);
        parallel.forRange(rows, rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                float s = log ? VectorOps.sum(dout, base, cols) : VectorOps.dot(dout, base, out, base, cols);
                int c = 0;
                if (S != null) {
                    for (int up = S.loopBound(cols); c < up; c += L) {
                        FloatVector y = FloatVector.fromArray(S, out, base + c);
                        FloatVector g = FloatVector.fromArray(S, dout, base + c);
                        FloatVector d = log
                                ? VectorMath.exp(y).mul(-s).add(g)
                                : g.sub(s).mul(y);
                        d.intoArray(dx, base + c);
                    }
                }
                for (; c < cols; c++) {
                    float y = out[base + c];
                    float g = dout[base + c];
                    dx[base + c] = log ? (float) (g - Math.exp(y) * s) : y * (g - s);
                }
            }
        });
    }

    // ---------------------------------------------------------------- layernorm

    /** out = (x - mean) * rstd * w + b; saves mean (R) and rstd (R). Two passes (mean, then variance). */
    @Override
    public void layerNorm(Storage outS, Storage meanS, Storage rstdS, Storage xS, Storage wS, Storage bS, int rows,
                          int cols, float eps) {
        float[] out = array(outS), mean = array(meanS), rstd = array(rstdS), x = array(xS), w = arrayOrNull(wS),
                b = arrayOrNull(bS);
        parallel.forRange(rows, rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                float m = VectorOps.sum(x, base, cols) / cols;
                float var = VectorOps.sumSquaredDeviations(x, base, cols, m) / cols;
                float s = (float) (1.0 / Math.sqrt(var + eps));
                normalizeRow(out, x, base, cols, m, s, w, b);
                mean[r] = m;
                rstd[r] = s;
            }
        });
    }

    /** out[c] = (x[c] - m) * s * w[c] + b[c] over one row (w, b may be null). */
    private static void normalizeRow(float[] out, float[] x, int base, int cols, float m, float s, float[] w, float[] b) {
        int c = 0;
        if (S != null) {
            FloatVector mv = FloatVector.broadcast(S, m);
            for (int up = S.loopBound(cols); c < up; c += L) {
                FloatVector norm = FloatVector.fromArray(S, x, base + c).sub(mv).mul(s);
                if (w != null) {
                    norm = norm.mul(FloatVector.fromArray(S, w, c));
                }
                if (b != null) {
                    norm = norm.add(FloatVector.fromArray(S, b, c));
                }
                norm.intoArray(out, base + c);
            }
        }
        for (; c < cols; c++) {
            float norm = (x[base + c] - m) * s;
            if (w != null) {
                norm *= w[c];
            }
            out[base + c] = b == null ? norm : norm + b[c];
        }
    }

    /**
     * With norm = (x - mean) * rstd and g = dout * w: dx = rstd * (g - mean(g) - norm * mean(g * norm));
     * dw = sum_r dout * norm; db = sum_r dout.
     */
    @Override
    public void layerNormBackward(Storage dxS, Storage dwS, Storage dbS, Storage doutS, Storage xS, Storage wS,
                                  Storage meanS, Storage rstdS, int rows, int cols) {
        float[] dx = array(dxS), dw = arrayOrNull(dwS), db = arrayOrNull(dbS), dout = array(doutS), x = array(xS),
                w = arrayOrNull(wS), mean = array(meanS), rstd = array(rstdS);
        parallel.forRange(rows, rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                layerNormBackwardRow(dx, dout, x, w, mean[r], rstd[r], r * cols, cols);
            }
        });
        if (dw != null || db != null) {
            columnSums(dw, db, dout, x, mean, rstd, rows, cols, true);
        }
    }

    private static void layerNormBackwardRow(float[] dx, float[] dout, float[] x, float[] w, float m, float s,
                                             int base, int cols) {
        float gSum = 0f;
        float gNormSum = 0f;
        int c = 0;
        if (S != null) {
            FloatVector mv = FloatVector.broadcast(S, m);
            FloatVector gAcc = FloatVector.zero(S);
            FloatVector gnAcc = FloatVector.zero(S);
            for (int up = S.loopBound(cols); c < up; c += L) {
                FloatVector g = FloatVector.fromArray(S, dout, base + c);
                if (w != null) {
                    g = g.mul(FloatVector.fromArray(S, w, c));
                }
                FloatVector norm = FloatVector.fromArray(S, x, base + c).sub(mv).mul(s);
                gAcc = gAcc.add(g);
                gnAcc = g.fma(norm, gnAcc);
            }
            gSum = VectorMath.sumLanes(gAcc);
            gNormSum = VectorMath.sumLanes(gnAcc);
        }
        for (; c < cols; c++) {
            float g = w == null ? dout[base + c] : dout[base + c] * w[c];
            gSum += g;
            gNormSum += g * ((x[base + c] - m) * s);
        }
        float gMean = gSum / cols;
        float gNormMean = gNormSum / cols;
        c = 0;
        if (S != null) {
            FloatVector mv = FloatVector.broadcast(S, m);
            for (int up = S.loopBound(cols); c < up; c += L) {
                FloatVector g = FloatVector.fromArray(S, dout, base + c);
                if (w != null) {
                    g = g.mul(FloatVector.fromArray(S, w, c));
                }
                FloatVector norm = FloatVector.fromArray(S, x, base + c).sub(mv).mul(s);
                norm.mul(-gNormMean).add(g).sub(gMean).mul(s).intoArray(dx, base + c);
            }
        }
        for (; c < cols; c++) {
            float g = w == null ? dout[base + c] : dout[base + c] * w[c];
            float norm = (x[base + c] - m) * s;
            dx[base + c] = s * (g - gMean - norm * gNormMean);
        }
    }

    /**
     * dw[c] = sum_r dout[r, c] * norm[r, c] and db[c] = sum_r dout[r, c], where norm = (x - mean) * rstd
     * (layerNorm) or x * rstd (rmsNorm, mean null): split over columns, rows in order.
     */
    private void columnSums(float[] dw, float[] db, float[] dout, float[] x, float[] mean, float[] rstd,
                            int rows, int cols, boolean centered) {
        int groups = (cols + L - 1) / L;
        int grainGroups = Math.max(1, GRAIN / Math.max(1, rows * L));
        parallel.forRange(groups, grainGroups, (gFrom, gTo) -> {
            int c0 = gFrom * L;
            int c1 = Math.min(cols, gTo * L);
            int n = c1 - c0;
            double[] accW = new double[n];
            double[] accB = new double[n];
            float[] partW = new float[n];
            float[] partB = new float[n];
            for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
                java.util.Arrays.fill(partW, 0f);
                java.util.Arrays.fill(partB, 0f);
                for (int r = r0, rEnd = Math.min(rows, r0 + ROW_BLOCK); r < rEnd; r++) {
                    int base = r * cols + c0;
                    float m = centered ? mean[r] : 0f;
                    float s = rstd[r];
                    int c = 0;
                    if (S != null) {
                        FloatVector mv = FloatVector.broadcast(S, m);
                        for (int up = S.loopBound(n); c < up; c += L) {
                            FloatVector g = FloatVector.fromArray(S, dout, base + c);
                            FloatVector norm = FloatVector.fromArray(S, x, base + c).sub(mv).mul(s);
                            g.fma(norm, FloatVector.fromArray(S, partW, c)).intoArray(partW, c);
                            g.add(FloatVector.fromArray(S, partB, c)).intoArray(partB, c);
                        }
                    }
                    for (; c < n; c++) {
                        float g = dout[base + c];
                        partW[c] = Math.fma(g, (x[base + c] - m) * s, partW[c]);
                        partB[c] += g;
                    }
                }
                for (int c = 0; c < n; c++) {
                    accW[c] += partW[c];
                    accB[c] += partB[c];
                }
            }
            for (int c = 0; c < n; c++) {
                if (dw != null) {
                    dw[c0 + c] = (float) accW[c];
                }
                if (db != null) {
                    db[c0 + c] = (float) accB[c];
                }
            }
        });
    }

    // ---------------------------------------------------------------- rmsnorm

    /** out = x * rstd * w, rstd = 1 / sqrt(mean(x^2) + eps); saves rstd (R). */
    @Override
    public void rmsNorm(Storage outS, Storage rstdS, Storage xS, Storage wS, int rows, int cols, float eps) {
        float[] out = array(outS), rstd = array(rstdS), x = array(xS), w = arrayOrNull(wS);
        parallel.forRange(rows, rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                float ms = VectorOps.dot(x, base, x, base, cols) / cols;
                float s = (float) (1.0 / Math.sqrt(ms + eps));
                normalizeRow(out, x, base, cols, 0f, s, w, null);
                rstd[r] = s;
            }
        });
    }

    /** With g = dout * w: dx = rstd * g - rstd^3 * x * mean(g * x); dw = sum_r dout * x * rstd. */
    @Override
    public void rmsNormBackward(Storage dxS, Storage dwS, Storage doutS, Storage xS, Storage wS, Storage rstdS,
                                int rows, int cols) {
        float[] dx = array(dxS), dw = arrayOrNull(dwS), dout = array(doutS), x = array(xS), w = arrayOrNull(wS),
                rstd = array(rstdS);
        parallel.forRange(rows, rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                float s = rstd[r];
                float gx = 0f;
                for (int c = 0; c < cols; c++) {
                    float g = w == null ? dout[base + c] : dout[base + c] * w[c];
                    gx = Math.fma(g, x[base + c], gx);
                }
                float k = -s * s * s * (gx / cols);
                for (int c = 0; c < cols; c++) {
                    float g = w == null ? dout[base + c] : dout[base + c] * w[c];
                    dx[base + c] = Math.fma(k, x[base + c], s * g);
                }
            }
        });
        if (dw != null) {
            columnSums(dw, null, dout, x, null, rstd, rows, cols, false);
        }
    }

    // ---------------------------------------------------------------- cross-entropy

    /** losses[r] = logsumexp(x_r) - x_r[target_r]; 0 where target_r == ignoreIndex. */
    @Override
    public void crossEntropy(Storage lossesS, Storage logitsS, int[] targets, int rows, int cols, int ignoreIndex) {
        float[] losses = array(lossesS), logits = array(logitsS);
        checkTargets("crossEntropy", targets, rows, cols, ignoreIndex);
        parallel.forRange(rows, rowGrain(cols), (from, to) -> {
            float[] exps = new float[cols];                  // one row of exp values per part, for logSumExp
            for (int r = from; r < to; r++) {
                int t = targets[r];
                if (t == ignoreIndex) {
                    losses[r] = 0f;
                    continue;
                }
                int base = r * cols;
                losses[r] = (float) (logSumExp(logits, base, cols, exps, 0) - logits[base + t]);
            }
        });
    }

    /** dlogits[r] = dlosses[r] * (softmax(x_r) - onehot(target_r)); a zero row where ignored. */
    @Override
    public void crossEntropyBackward(Storage dlogitsS, Storage dlossesS, Storage logitsS, int[] targets, int rows,
                                     int cols, int ignoreIndex) {
        float[] dlogits = array(dlogitsS), dlosses = array(dlossesS), logits = array(logitsS);
        checkTargets("crossEntropyBackward", targets, rows, cols, ignoreIndex);
        parallel.forRange(rows, rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int t = targets[r];
                int base = r * cols;
                if (t == ignoreIndex) {
                    java.util.Arrays.fill(dlogits, base, base + cols, 0f);
                    continue;
                }
                float lse = (float) logSumExp(logits, base, cols, dlogits, base);  // the row is overwritten next
                float d = dlosses[r];
                VectorOps.expShifted(dlogits, base, logits, base, cols, lse);
                VectorOps.scaleShift(dlogits, base, dlogits, base, cols, d, 0f);
                dlogits[base + t] -= d;
            }
        });
    }

    /**
     * max + log(sum(exp(x - max))) in double from a float vector sum; -infinity for an all -infinity row. The exp
     * values go to {@code exps} (n floats from expsOff), which the caller has to spare: expShifted, the kernel
     * attention runs all the time, rather than sumExpShifted, which some JVMs left running the Vector API's Java
     * fallback in steady state (a float[] per vector operation, 10-20 MB per DNA training step). The sum is the
     * same to the bit (VectorOpsOrderTest).
     */
    private static double logSumExp(float[] x, int base, int n, float[] exps, int expsOff) {
        float max = VectorOps.max(x, base, n);
        if (max == Float.NEGATIVE_INFINITY) {
            return max;
        }
        return max + Math.log(VectorOps.expShifted(exps, expsOff, x, base, n, max));
    }

    private static void checkTargets(String op, int[] targets, int rows, int cols, int ignoreIndex) {
        for (int r = 0; r < rows; r++) {
            int t = targets[r];
            if (t != ignoreIndex && (t < 0 || t >= cols)) {
                throw new IndexOutOfBoundsException(op + ": target " + t + " of row " + r + " outside [0, " + cols
                        + ") and not the ignore index " + ignoreIndex);
            }
        }
    }
}
