package org.jdna.engine.backend.reference;

import static org.jdna.engine.backend.HeapStorage.array;
import static org.jdna.engine.backend.HeapStorage.arrayOrNull;

import org.jdna.engine.backend.NormKernels;
import org.jdna.engine.backend.Storage;

/**
 * Softmax, LayerNorm, RMSNorm and cross-entropy, forward and backward, as plain row loops over
 * float arrays with double accumulation.
 *
 * <p>Legend: R rows, C columns; a row r of x is x[r*C .. r*C + C).
 */
final class ReferenceNorms implements NormKernels {

    // ---------------------------------------------------------------- softmax

    /** out (R, C) = softmax(x) or log-softmax(x), row-wise, subtracting the row max first. */
    @Override
    public void softmax(Storage outS, Storage xS, int rows, int cols, boolean log) {
        float[] out = array(outS), x = array(xS);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double max = rowMax(x, base, cols);
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(x[base + c] - max);
            }
            double logSum = Math.log(sum);
            for (int c = 0; c < cols; c++) {
                double shifted = x[base + c] - max;
                out[base + c] = (float) (log ? shifted - logSum : Math.exp(shifted) / sum);
            }
        }
    }

    /** softmax: dx = out * (dout - sum(dout * out)); log-softmax: dx = dout - exp(out) * sum(dout). */
    @Override
    public void softmaxBackward(Storage dxS, Storage doutS, Storage outS, int rows, int cols, boolean log) {
        float[] dx = array(dxS), dout = array(doutS), out = array(outS);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += log ? dout[base + c] : (double) dout[base + c] * out[base + c];
            }
            for (int c = 0; c < cols; c++) {
                double y = out[base + c];
                double g = dout[base + c];
                dx[base + c] = (float) (log ? g - Math.exp(y) * s : y * (g - s));
            }
        }
    }

    // ---------------------------------------------------------------- layernorm

    /** out = (x - mean) * rstd * w + b; saves mean (R) and rstd (R). Two-pass biased variance. */
    @Override
    public void layerNorm(Storage outS, Storage meanS, Storage rstdS, Storage xS, Storage wS, Storage bS, int rows,
                          int cols, float eps) {
        float[] out = array(outS), mean = array(meanS), rstd = array(rstdS), x = array(xS), w = arrayOrNull(wS),
                b = arrayOrNull(bS);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double m = 0;
            for (int c = 0; c < cols; c++) {
                m += x[base + c];
            }
            m /= cols;
            double var = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[base + c] - m;
                var += d * d;
            }
            var /= cols;
            double s = 1.0 / Math.sqrt(var + eps);
            for (int c = 0; c < cols; c++) {
                double norm = (x[base + c] - m) * s;
                double scaled = w == null ? norm : norm * w[c];
                out[base + c] = (float) (b == null ? scaled : scaled + b[c]);
            }
            mean[r] = (float) m;
            rstd[r] = (float) s;
        }
    }

    /**
     * With norm = (x - mean) * rstd and g = dout * w:
     * dx = rstd * (g - mean(g) - norm * mean(g * norm)); dw = sum_r dout * norm; db = sum_r dout.
     */
    @Override
    public void layerNormBackward(Storage dxS, Storage dwS, Storage dbS, Storage doutS, Storage xS, Storage wS,
                                  Storage meanS, Storage rstdS, int rows, int cols) {
        float[] dx = array(dxS), dw = arrayOrNull(dwS), db = arrayOrNull(dbS), dout = array(doutS), x = array(xS),
                w = arrayOrNull(wS), mean = array(meanS), rstd = array(rstdS);
        double[] dwAcc = new double[cols];
        double[] dbAcc = new double[cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double m = mean[r];
            double s = rstd[r];
            double gMean = 0;
            double gNormMean = 0;
            for (int c = 0; c < cols; c++) {
                double norm = (x[base + c] - m) * s;
                double g = w == null ? dout[base + c] : (double) dout[base + c] * w[c];
                gMean += g;
                gNormMean += g * norm;
                dwAcc[c] += dout[base + c] * norm;
                dbAcc[c] += dout[base + c];
            }
            gMean /= cols;
            gNormMean /= cols;
            for (int c = 0; c < cols; c++) {
                double norm = (x[base + c] - m) * s;
                double g = w == null ? dout[base + c] : (double) dout[base + c] * w[c];
                dx[base + c] = (float) (s * (g - gMean - norm * gNormMean));
            }
        }
        writeColumnSums(dw, dwAcc);
        writeColumnSums(db, dbAcc);
    }

    // ---------------------------------------------------------------- rmsnorm

    /** out = x * rstd * w, rstd = 1 / sqrt(mean(x^2) + eps); saves rstd (R). */
    @Override
    public void rmsNorm(Storage outS, Storage rstdS, Storage xS, Storage wS, int rows, int cols, float eps) {
        float[] out = array(outS), rstd = array(rstdS), x = array(xS), w = arrayOrNull(wS);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double ms = 0;
            for (int c = 0; c < cols; c++) {
                ms += (double) x[base + c] * x[base + c];
            }
            ms /= cols;
            double s = 1.0 / Math.sqrt(ms + eps);
            for (int c = 0; c < cols; c++) {
                double norm = x[base + c] * s;
                out[base + c] = (float) (w == null ? norm : norm * w[c]);
            }
            rstd[r] = (float) s;
        }
    }

    /**
     * With g = dout * w: dx = rstd * g - rstd^3 * x * mean(g * x) (from d rstd / dx = -rstd^3 x / C);
     * dw = sum_r dout * x * rstd.
     */
    @Override
    public void rmsNormBackward(Storage dxS, Storage dwS, Storage doutS, Storage xS, Storage wS, Storage rstdS,
                                int rows, int cols) {
        float[] dx = array(dxS), dw = arrayOrNull(dwS), dout = array(doutS), x = array(xS), w = arrayOrNull(wS),
                rstd = array(rstdS);
        double[] dwAcc = new double[cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double s = rstd[r];
            double gxMean = 0;
            for (int c = 0; c < cols; c++) {
                double g = w == null ? dout[base + c] : (double) dout[base + c] * w[c];
                gxMean += g * x[base + c];
                dwAcc[c] += (double) dout[base + c] * x[base + c] * s;
            }
            gxMean /= cols;
            for (int c = 0; c < cols; c++) {
                double g = w == null ? dout[base + c] : (double) dout[base + c] * w[c];
                dx[base + c] = (float) (s * g - s * s * s * x[base + c] * gxMean);
            }
        }
        writeColumnSums(dw, dwAcc);
    }

    // ---------------------------------------------------------------- cross-entropy

    /** losses[r] = logsumexp(x_r) - x_r[target_r]; 0 where target_r == ignoreIndex. */
    @Override
    public void crossEntropy(Storage lossesS, Storage logitsS, int[] targets, int rows, int cols, int ignoreIndex) {
        float[] losses = array(lossesS), logits = array(logitsS);
        for (int r = 0; r < rows; r++) {
            int t = checkedTarget("crossEntropy", targets, r, cols, ignoreIndex);
            if (t == ignoreIndex) {
                losses[r] = 0f;
                continue;
            }
            int base = r * cols;
            losses[r] = (float) (logSumExp(logits, base, cols) - logits[base + t]);
        }
    }

    /** dlogits[r] = dlosses[r] * (softmax(x_r) - onehot(target_r)); a zero row where ignored. */
    @Override
    public void crossEntropyBackward(Storage dlogitsS, Storage dlossesS, Storage logitsS, int[] targets, int rows,
                                     int cols, int ignoreIndex) {
        float[] dlogits = array(dlogitsS), dlosses = array(dlossesS), logits = array(logitsS);
        for (int r = 0; r < rows; r++) {
            int t = checkedTarget("crossEntropyBackward", targets, r, cols, ignoreIndex);
            int base = r * cols;
            if (t == ignoreIndex) {
                java.util.Arrays.fill(dlogits, base, base + cols, 0f);
                continue;
            }
            double lse = logSumExp(logits, base, cols);
            double d = dlosses[r];
            for (int c = 0; c < cols; c++) {
                double p = Math.exp(logits[base + c] - lse);
                dlogits[base + c] = (float) (d * (p - (c == t ? 1.0 : 0.0)));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** max of x[base .. base+n); -infinity for n == 0; NaN if any element is NaN. */
    static double rowMax(float[] x, int base, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[base + i]);
        }
        return max;
    }

    /** log(sum(exp(x[base .. base+n)))) computed as max + log(sum(exp(x - max))). */
    static double logSumExp(float[] x, int base, int n) {
        double max = rowMax(x, base, n);
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[base + i] - max);
        }
        return max + Math.log(sum);
    }

    private static int checkedTarget(String op, int[] targets, int r, int cols, int ignoreIndex) {
        int t = targets[r];
        if (t != ignoreIndex && (t < 0 || t >= cols)) {
            throw new IndexOutOfBoundsException(op + ": target " + t + " of row " + r + " outside [0, " + cols
                    + ") and not the ignore index " + ignoreIndex);
        }
        return t;
    }

    private static void writeColumnSums(float[] dst, double[] sums) {
        if (dst == null) {
            return;
        }
        for (int c = 0; c < sums.length; c++) {
            dst[c] = (float) sums[c];
        }
    }
}
