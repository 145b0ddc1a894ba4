package org.jdna.bench.pytorch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the DJL training step against the Python peer on the same weights and batch:
 * {@code pytorch_dna_step.py --dump DIR} writes the peer's initial weights, batch, first-step logits
 * and gradients, per-step losses and final weights; this loads the weights into {@link DjlDnaModel},
 * runs the same steps and compares every one of them (|a - b| <= abs + rel * |peer|, printing the
 * largest difference and the first index past the tolerance).
 *
 * <pre>
 * /usr/bin/python3 benchmarks/peers/pytorch_dna_step.py --dump /tmp/peer --gelu erf --steps 5
 * java -cp benchmarks/target/benchmarks-pytorch.jar org.jdna.bench.pytorch.DjlPeerCheck /tmp/peer erf 2
 * </pre>
 *
 * The GELU argument must match the dump's {@code --gelu} (erf: DJL's fused GELU, the benchmarked
 * model; tanh: the peer's default, spelled out in DJL). Exit status 1 when a comparison fails.
 */
public final class DjlPeerCheck {
    /** float32 on both sides, different GEMM libraries and summation orders (torch 1.13 + OpenBLAS vs 2.7.1 + MKL). */
    private static final double LOGITS_ABS = 1e-4, LOGITS_REL = 1e-4;
    private static final double GRAD_ABS = 1e-5, GRAD_REL = 1e-3;
    private static final double LOSS_ABS = 1e-5;
    /** Losses after the first update: the weights then differ by AdamW's eps placement (checkFirstUpdate). */
    private static final double LOSS_REL_LATER = 1e-4;
    /** AdamW's settings (DjlTrainStep, pytorch_dna_step.py). */
    private static final double LR = 3e-4, BETA1 = 0.9, BETA2 = 0.95, EPS = 1e-8, WEIGHT_DECAY = 0.1;
    /** DJL's first AdamW update against its formula in double: float32 rounding of the step and of w (2^-22 |w|). */
    private static final double UPDATE_ABS = 1e-8, UPDATE_REL = 0x1p-22;

    private DjlPeerCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: DjlPeerCheck DIR [erf|tanh] [THREADS]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Gelu gelu = args.length > 1 && args[1].equals("tanh") ? Gelu.TANH : Gelu.ERF;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Engine engine = Torch.engine(threads);
        boolean ok = true;
        for (String model : new String[] {"dna", "dense"}) {
            if (Files.exists(dir.resolve(model).resolve("manifest.json"))) {
                ok &= check(engine, dir.resolve(model), model, gelu);
            }
        }
        System.out.println(ok ? "DjlPeerCheck: all comparisons within tolerance" : "DjlPeerCheck: FAILED");
        System.exit(ok ? 0 : 1);
    }

    private static boolean check(Engine engine, Path dir, String model, Gelu gelu) throws IOException {
        JsonObject manifest = JsonParser.parseString(Files.readString(dir.resolve("manifest.json"))).getAsJsonObject();
        JsonObject config = manifest.getAsJsonObject("config");
        if (!config.get("gelu").getAsString().equals(gelu.name().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(dir + " was dumped with --gelu " + config.get("gelu").getAsString() + ", checking " + gelu);
        }
        System.out.printf(Locale.ROOT, "%s: PyTorch %s (peer, --gelu %s) vs PyTorch %s via DJL, on the peer's weights and batch%n",
                model, manifest.get("torch").getAsString(), config.get("gelu").getAsString(), engine.getVersion());
        DjlTrainStep step = new DjlTrainStep(model, gelu, engine, 1);
        try {
            Map<String, float[]> initial = new LinkedHashMap<>();
            for (var p : manifest.getAsJsonArray("params")) {
                String name = p.getAsJsonArray().get(0).getAsString();
                initial.put(name, floats(dir.resolve("param." + name + ".f32")));
            }
            step.model.load(initial);
            JsonArray data = manifest.getAsJsonArray("data");
            int rows = data.size(), cols = data.get(0).getAsJsonArray().size();
            long[] tokens = new long[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    tokens[r * cols + c] = data.get(r).getAsJsonArray().get(c).getAsLong();
                }
            }
            try (NDArray batch = step.model.manager.create(tokens, new Shape(rows, cols)).toType(DataType.INT64, false)) {
                step.batch(batch);
            }
            boolean ok = true;
            JsonArray steps = manifest.getAsJsonArray("steps");
            for (int i = 0; i < steps.size(); i++) {
                JsonObject peer = steps.get(i).getAsJsonObject();
                float loss = step.run(i == 0);
                if (i == 0) {
                    ok &= compare("logits (step 1)", step.logits, floats(dir.resolve("logits.f32")), LOGITS_ABS, LOGITS_REL);
                    Worst worst = new Worst();
                    for (String name : initial.keySet()) {
                        ok &= compare("grad " + name, step.gradients.get(name), floats(dir.resolve("grad." + name + ".f32")),
                                GRAD_ABS, GRAD_REL, worst);
                    }
                    System.out.printf(Locale.ROOT, "  gradients (step 1, %d tensors, before clipping): largest |diff| %.3g (%s), "
                            + "largest |diff| / (|peer| + 1e-3) %.3g%n", initial.size(), worst.abs, worst.where, worst.rel);
                    ok &= checkFirstUpdate(step, initial);
                }
                double peerLoss = peer.get("loss").getAsDouble();
                boolean lossOk = Math.abs(loss - peerLoss) <= (i == 0 ? LOSS_ABS : LOSS_REL_LATER * Math.abs(peerLoss));
                ok &= lossOk;
                String routes = "";
                if (peer.has("identity_routes")) {
                    long[] peerRoutes = new long[step.model.identityRoutes.length];
                    JsonArray pr = peer.getAsJsonArray("identity_routes");
                    for (int s = 0; s < peerRoutes.length; s++) {
                        peerRoutes[s] = pr.get(s).getAsLong();
                    }
                    routes = String.format(Locale.ROOT, ", identity routes %s vs peer %s",
                            java.util.Arrays.toString(step.model.identityRoutes), java.util.Arrays.toString(peerRoutes));
                }
                System.out.printf(Locale.ROOT, "  step %d: loss %.6f vs peer %.6f (|diff| %.2g)%s, grad norm %.5f vs %.5f%s%n",
                        i + 1, loss, peerLoss, Math.abs(loss - peerLoss), lossOk ? "" : " FAIL",
                        step.lastGradNorm(), peer.get("grad_norm").getAsDouble(), routes);
            }
            // After the first update the two runs see slightly different weights (AdamW's eps, above), so
            // the weights are reported, not judged: their differences are a fraction of the learning rate.
            double largest = 0;
            String where = "-";
            long values = 0, beyondTenthLr = 0;
            for (Map.Entry<String, NDArray> p : step.model.params.entrySet()) {
                float[] got = p.getValue().toFloatArray(), peer = floats(dir.resolve("final." + p.getKey() + ".f32"));
                for (int j = 0; j < got.length; j++) {
                    double diff = Math.abs(got[j] - peer[j]);
                    values++;
                    beyondTenthLr += diff > 0.1 * LR ? 1 : 0;
                    if (diff > largest) {
                        largest = diff;
                        where = p.getKey() + " [" + j + "]";
                    }
                }
            }
            System.out.printf(Locale.ROOT, "  weights after %d steps: largest |diff| %.3g = %.2f lr (%s); %d of %d values differ by more than 0.1 lr%n",
                    steps.size(), largest, largest / LR, where, beyondTenthLr, values);
            return ok;
        } finally {
            step.close();
        }
    }

    /**
     * The first AdamW update, from the initial weights and DJL's own (clipped) gradients, in double:
     * DJL's AdamW must match its formula w -= lr * sqrt(1 - b2) / (1 - b1) * m / (sqrt(v) + eps) after
     * the decoupled decay w *= 1 - lr * wd. PyTorch's AdamW adds eps after the bias correction,
     * m_hat / (sqrt(v_hat) + eps): at step 1 DJL's eps is in effect 1 / sqrt(1 - b2) = 4.5x larger, which
     * moves weights whose gradient is within a few 1e-8 of zero by up to ~lr; printed, not judged.
     */
    private static boolean checkFirstUpdate(DjlTrainStep step, Map<String, float[]> initial) {
        double scale = Math.min(1.0, 1.0 / (step.lastGradNorm() + 1e-6));
        double bc1 = 1 - BETA1, bc2 = 1 - BETA2;
        double djl = 0, torch = 0;
        boolean ok = true;
        String djlWhere = "-", torchWhere = "-";
        for (Map.Entry<String, NDArray> p : step.model.params.entrySet()) {
            float[] w0 = initial.get(p.getKey()), grad = step.gradients.get(p.getKey()), w1 = step.afterFirstUpdate.get(p.getKey());
            for (int j = 0; j < w0.length; j++) {
                double g = grad[j] * scale, m = (1 - BETA1) * g, v = (1 - BETA2) * g * g;
                double decayed = w0[j] * (1 - LR * WEIGHT_DECAY);
                double byDjl = decayed - LR * Math.sqrt(bc2) / bc1 * m / (Math.sqrt(v) + EPS);
                double byTorch = decayed - LR / bc1 * m / (Math.sqrt(v / bc2) + EPS);
                ok &= Math.abs(w1[j] - byDjl) <= UPDATE_ABS + UPDATE_REL * Math.abs(byDjl);
                if (Math.abs(w1[j] - byDjl) > djl) {
                    djl = Math.abs(w1[j] - byDjl);
                    djlWhere = p.getKey() + " [" + j + "]";
                }
                if (Math.abs(w1[j] - byTorch) > torch) {
                    torch = Math.abs(w1[j] - byTorch);
                    torchWhere = p.getKey() + " [" + j + "]";
                }
            }
        }
        System.out.printf(Locale.ROOT, "  first AdamW update: largest |diff| from DJL's formula %.3g (%s)%s; from PyTorch's formula %.3g = %.2f lr (%s)%n",
                djl, djlWhere, ok ? "" : " FAIL", torch, torch / LR, torchWhere);
        return ok;
    }

    /** The largest differences over several comparisons. */
    private static final class Worst {
        double abs, rel;
        String where = "-";
    }

    private static boolean compare(String what, float[] got, float[] peer, double abs, double rel) {
        Worst worst = new Worst();
        boolean ok = compare(what, got, peer, abs, rel, worst);
        System.out.printf(Locale.ROOT, "  %s: largest |diff| %.3g, largest |diff| / (|peer| + 1e-3) %.3g%n", what, worst.abs, worst.rel);
        return ok;
    }

    private static boolean compare(String what, float[] got, float[] peer, double abs, double rel, Worst worst) {
        if (got.length != peer.length) {
            System.out.printf("  %s: %d values vs the peer's %d FAIL%n", what, got.length, peer.length);
            return false;
        }
        int firstBad = -1;
        for (int i = 0; i < got.length; i++) {
            double diff = Math.abs(got[i] - peer[i]);
            if (diff > worst.abs) {
                worst.abs = diff;
                worst.where = what + " [" + i + "]";
            }
            worst.rel = Math.max(worst.rel, diff / (Math.abs(peer[i]) + 1e-3));
            if (firstBad < 0 && !(diff <= abs + rel * Math.abs(peer[i]))) {
                firstBad = i;
            }
        }
        if (firstBad >= 0) {
            System.out.printf(Locale.ROOT, "  %s: FAIL at index %d: %.7g vs peer %.7g (tolerance %.1g + %.1g * |peer|)%n",
                    what, firstBad, got[firstBad], peer[firstBad], abs, rel);
        }
        return firstBad < 0;
    }

    private static float[] floats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(out);
        return out;
    }
}
