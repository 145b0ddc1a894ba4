package org.jdna.bench.pytorch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.jdna.bench.BenchBackends;
import org.jdna.bench.RoutedLayer;
import org.jdna.bench.RoutingProblem;
import org.jdna.bench.RoutingShape;
import org.jdna.engine.backend.Backend;

/**
 * Checks the DJL routing kernels ({@link DjlRouting}, with the tanh GELU) against jdna's on the
 * same data: top-k, dispatch, grouped MLP, combine, routed attention and the layer's dx, at a
 * routing shape (|a - b| <= abs + rel * |jdna|; the largest difference and the first index past it).
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp benchmarks/target/benchmarks-pytorch.jar \
 *   org.jdna.bench.pytorch.DjlRoutingCheck d256 2
 * </pre>
 */
public final class DjlRoutingCheck {
    private DjlRoutingCheck() {
    }

    public static void main(String[] args) throws Exception {
        RoutingShape shape = RoutingShape.named(args.length > 0 ? args[0] : "d256");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Backend backend = BenchBackends.create(threads);
        RoutingProblem.Outputs jdna;
        try {
            RoutingProblem p = new RoutingProblem(shape, backend).route();
            RoutedLayer.routedAttention(p);
            RoutedLayer.backward(p);
            jdna = p.outputs();
        } finally {
            BenchBackends.close(backend);
        }
        Engine engine = Torch.engine(threads);
        boolean ok;
        try (NDManager manager = engine.newBaseManager()) {
            DjlRouting r = new DjlRouting(shape, Gelu.TANH, manager).route();
            r.trainable();
            System.out.printf(Locale.ROOT, "%s: jdna (%s) vs PyTorch %s via DJL, same data%n", shape.name(), backend.description(),
                    engine.getVersion());
            // a token whose two best probabilities tie to float precision may list them in either order
            long[] indices = r.indices.toLongArray();
            float[] weights = r.weights.toFloatArray();
            int k = shape.k(), differ = 0, tieSwaps = 0;
            for (int t = 0; t < shape.tokens(); t++) {
                java.util.Set<Long> ours = new java.util.HashSet<>(), theirs = new java.util.HashSet<>();
                boolean same = true;
                for (int j = 0; j < k; j++) {
                    ours.add(indices[t * k + j]);
                    theirs.add((long) jdna.indices()[t * k + j]);
                    same &= indices[t * k + j] == jdna.indices()[t * k + j];
                }
                if (!same && ours.equals(theirs) && Math.abs(weights[t * k] - weights[t * k + k - 1]) <= 1e-6) {
                    tieSwaps++;
                } else if (!same) {
                    differ++;
                }
            }
            ok = differ == 0;
            System.out.printf(Locale.ROOT, "  topk indices: %d of %d tokens choose other modules%s (%d list a tie in the other order)%n",
                    differ, shape.tokens(), ok ? "" : " FAIL", tieSwaps);
            ok &= compare("topk weights", r.weights, jdna.weights(), 1e-6, 1e-5);
            ok &= compare("dispatch xd", r.xd, jdna.xd(), 0, 0);
            ok &= compare("groupedMlp y", r.y, jdna.y(), 1e-4, 1e-4);
            try (CallScope call = new CallScope(manager, r.inputs())) {
                ok &= compare("combine out", r.combine(r.y, r.weights, r.plan), jdna.out(), 1e-4, 1e-4);
                ok &= compare("routedAttention", r.routedAttention(r.plan), jdna.attention(), 1e-5, 1e-4);
                ok &= compare("layerFwdBwd dx", r.layerFwdBwd(engine), jdna.dx(), 1e-4, 1e-3);
            }
        }
        System.out.println(ok ? "DjlRoutingCheck: all within tolerance" : "DjlRoutingCheck: FAILED");
        System.exit(ok ? 0 : 1);
    }

    private static boolean compare(String what, NDArray djl, float[] jdna, double abs, double rel) {
        float[] got = djl.toFloatArray();
        if (got.length != jdna.length) {
            System.out.printf("  %s: %d values vs jdna's %d FAIL%n", what, got.length, jdna.length);
            return false;
        }
        double largest = 0;
        int firstBad = -1;
        for (int i = 0; i < got.length; i++) {
            double diff = Math.abs(got[i] - jdna[i]);
            largest = Math.max(largest, diff);
            if (firstBad < 0 && !(diff <= abs + rel * Math.abs(jdna[i]))) {
                firstBad = i;
            }
        }
        System.out.printf(Locale.ROOT, "  %s: largest |diff| %.3g%s%n", what, largest, firstBad < 0 ? ""
                : String.format(Locale.ROOT, " FAIL at index %d: %.7g vs jdna %.7g (tolerance %.1g + %.1g * |jdna|)",
                        firstBad, got[firstBad], jdna[firstBad], abs, rel));
        return firstBad < 0;
    }
}
