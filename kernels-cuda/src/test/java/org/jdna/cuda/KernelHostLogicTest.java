package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.backend.contract.Compare;
import org.jdna.engine.backend.contract.Tolerance;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.jdna.engine.backend.reference.ReferenceElementwise;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-element and per-row decisions of the kernels, compiled for the host from the very headers
 * the kernels include (src/main/cuda/unary.cuh, topk.cuh, indexing.cuh, softmax.cuh) by
 * src/test/cuda/host_harness.cpp, and compared with the reference backend. No GPU needed, only a
 * host C++ compiler (g++ or clang++, or $CXX); without one the tests are skipped and say so. The host's libm is not the device's, so
 * values are compared under a tolerance; NaN, infinities and picks must agree exactly.
 */
class KernelHostLogicTest {
    private static final Backend REFERENCE = ReferenceBackend.INSTANCE;
    private static Path harness;
    private static String noCompiler;

    @BeforeAll
    static void compileTheHarness() throws IOException, InterruptedException {
        String compiler = findCompiler();
        if (compiler == null) {
            noCompiler = "no host C++ compiler ($CXX, c++, g++ or clang++ on the PATH) to build src/test/cuda/host_harness.cpp";
            return;
        }
        Path out = Files.createDirectories(Path.of("target/host-harness"));
        harness = out.resolve("host_harness");
        Process p = new ProcessBuilder(compiler, "-std=c++17", "-O1", "-Wall", "-Werror", "-I", "src/main/cuda",
                "src/test/cuda/host_harness.cpp", "-o", harness.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(compiler + " failed to build the host harness:\n" + log);
        }
    }

    private static String findCompiler() {
        List<String> candidates = new ArrayList<>();
        String cxx = System.getenv("CXX");
        if (cxx != null && !cxx.isBlank()) {
            candidates.add(cxx);
        }
        candidates.addAll(List.of("c++", "g++", "clang++"));
        for (String c : candidates) {
            Path direct = Path.of(c);
            if (direct.isAbsolute() && Files.isExecutable(direct)) {
                return c;
            }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, c))) {
                    return Path.of(dir, c).toString();
                }
            }
        }
        return null;
    }

    /** Sends the requests, one a line, and returns the answers. */
    private static List<String> ask(List<String> requests) throws IOException, InterruptedException {
        Assumptions.assumeTrue(noCompiler == null, noCompiler);
        Process p = new ProcessBuilder(harness.toString()).redirectErrorStream(true).start();
        try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String r : requests) {
                w.write(r);
                w.write('\n');
            }
        }
        List<String> answers = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                answers.add(line);
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "host harness exit " + p.exitValue());
        assertEquals(requests.size(), answers.size(), "one answer per request: " + answers);
        return answers;
    }

    private static String bits(float f) {
        return Integer.toString(Float.floatToRawIntBits(f));
    }

    private static float fromBits(String s) {
        return Float.intBitsToFloat(Integer.parseInt(s));
    }

    // ---------------------------------------------------------------- unary ops

    /** With the contract's extremes (CoreContract.unaryOpsOnNonFiniteValues): x^2 overflows float past 1.8e19. */
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            1e-30f, -1e-30f, 0.5f, -0.5f, 1f, -1f, 2f, -3f, 7.5f, 20f, -20f, 88f, -88f, 100f, -104f, 1e10f, -1e10f,
            1e20f, -1e20f, 1e30f, -1e30f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};
    private static final float[] ALPHAS = {0f, 1f, 0.5f, 2f, 3f, -1f, -0.5f, 1.7f, 2.5f};

    @Test
    void unaryOpsAndDerivativesMatchTheReferenceAtSpecialValues() throws Exception {
        List<String> requests = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (float x : SPECIAL) {
                for (float alpha : ALPHAS) {
                    requests.add("unary " + OpCodes.of(op) + " " + bits(x) + " " + bits(alpha));
                    labels.add(op + "(" + x + "; alpha " + alpha + ")");
                    // what the reference backend stores: the double result rounded to float
                    expected.add(new float[] {(float) ReferenceElementwise.apply(op, x, alpha),
                            (float) ReferenceElementwise.derivative(op, x, alpha)});
                }
            }
        }
        List<String> answers = ask(requests);
        Tolerance tol = new Tolerance("host libm", 1e-6, 2e-6);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            String[] a = answers.get(i).split(" ");
            float value = fromBits(a[0]), derivative = fromBits(a[1]);
            if (!tol.accepts(expected.get(i)[0], value)) {
                bad.add(labels.get(i) + " = " + value + ", reference " + expected.get(i)[0]);
            }
            if (!tol.accepts(expected.get(i)[1], derivative)) {
                bad.add(labels.get(i) + "' = " + derivative + ", reference " + expected.get(i)[1]);
            }
        }
        assertEquals(List.of(), bad);
    }

    @Test
    void theThreeCasesOfIssue17AreTheReferences() throws Exception {
        int relu = OpCodes.of(UnaryOp.RELU), abs = OpCodes.of(UnaryOp.ABS), pow = OpCodes.of(UnaryOp.POW_SCALAR);
        List<String> a = ask(List.of(
                "unary " + relu + " " + bits(Float.NaN) + " 0",
                "unary " + abs + " " + bits(Float.NaN) + " 0",
                "unary " + pow + " " + bits(0f) + " " + bits(0f)));
        assertTrue(Float.isNaN(fromBits(a.get(0).split(" ")[0])), "RELU(NaN) is NaN, not 0");
        assertTrue(Float.isNaN(fromBits(a.get(1).split(" ")[1])), "ABS'(NaN) is NaN, not 0");
        assertEquals(0f, fromBits(a.get(2).split(" ")[1]), "POW_SCALAR' at x = 0, alpha = 0 is 0, not NaN");
        assertEquals(1f, fromBits(a.get(2).split(" ")[0]), "0^0 = 1");
    }

    // ---------------------------------------------------------------- top-k

    private record Row(String name, float[] logits, float[] bias, int k, boolean renormalize) {
    }

    private static List<Row> topkRows() {
        List<Row> rows = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(11);
        float inf = Float.POSITIVE_INFINITY;
        for (int t = 0; t < 40; t++) {
            int e = 1 + rnd.nextInt(12);
            float[] x = new float[e];
            for (int i = 0; i < e; i++) {
                x[i] = t % 2 == 0 ? (float) rnd.nextGaussian() * 3 : rnd.nextInt(3) - 1; // odd rows: many ties
            }
            float[] bias = null;
            if (t % 3 == 0) {
                bias = new float[e];
                for (int i = 0; i < e; i++) {
                    bias[i] = t % 5 == 0 ? rnd.nextInt(2) * 0.25f : (float) rnd.nextGaussian() * 0.1f;
                }
            }
            rows.add(new Row("random " + t, x, bias, 1 + rnd.nextInt(e), t % 4 < 2));
        }
        rows.add(new Row("+inf logit", new float[] {0.5f, inf, 1f, 0f}, null, 2, true));
        rows.add(new Row("two +inf logits", new float[] {inf, 0f, inf}, null, 1, false));
        rows.add(new Row("NaN logit", new float[] {0.5f, 1f, Float.NaN, 0f}, null, 2, false));
        rows.add(new Row("NaN bias", new float[] {0.5f, 1f, 2f, 0f}, new float[] {0, 0, 0, Float.NaN}, 3, true));
        rows.add(new Row("every logit -inf", new float[] {-inf, -inf, -inf}, null, 1, false));
        rows.add(new Row("a -inf logit", new float[] {-inf, 1f, 2f, -inf}, null, 4, true));
        rows.add(new Row("+inf bias", new float[] {1f, 2f, 3f}, new float[] {0, inf, inf}, 3, false));
        rows.add(new Row("-inf bias", new float[] {1f, 2f, 3f}, new float[] {0, -inf, 0}, 3, true));
        rows.add(new Row("k = E, ties", new float[] {1f, 1f, 1f, 1f}, null, 4, true));
        return rows;
    }

    private static final Pattern EXPERT = Pattern.compile("at expert (\\d+)");

    @Test
    void topkPicksAndRejectsTheRowsTheReferenceDoes() throws Exception {
        List<Row> rows = topkRows();
        List<String> requests = new ArrayList<>();
        for (Row r : rows) {
            StringBuilder s = new StringBuilder("topk " + r.logits().length + " " + r.k() + " " + (r.renormalize() ? 1 : 0)
                    + " " + (r.bias() == null ? 0 : 1));
            for (float v : r.logits()) {
                s.append(' ').append(bits(v));
            }
            if (r.bias() != null) {
                for (float v : r.bias()) {
                    s.append(' ').append(bits(v));
                }
            }
            requests.add(s.toString());
        }
        List<String> answers = ask(requests);
        int rejected = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int e = r.logits().length, k = r.k();
            String[] a = answers.get(i).split(" ");
            Storage w = REFERENCE.allocate(k), p = REFERENCE.allocate(e), x = REFERENCE.allocate(e);
            REFERENCE.copyIn(x, 0, r.logits(), 0, e);
            int[] indices = new int[k];
            try {
                REFERENCE.routing().topk(indices, w, p, x, r.bias(), 1, e, k, r.renormalize());
            } catch (ArithmeticException refused) {
                Matcher m = EXPERT.matcher(refused.getMessage());
                assertTrue(m.find(), refused.getMessage());
                assertEquals("bad " + m.group(1), answers.get(i), r.name() + ": the reference says " + refused.getMessage());
                rejected++;
                continue;
            }
            assertEquals("ok", a[0], r.name() + ": the reference picks " + java.util.Arrays.toString(indices));
            int[] picks = new int[k];
            float[] weights = new float[k], probs = new float[e];
            for (int j = 0; j < k; j++) {
                picks[j] = Integer.parseInt(a[1 + j]);
                weights[j] = fromBits(a[1 + k + j]);
            }
            for (int c = 0; c < e; c++) {
                probs[c] = fromBits(a[1 + 2 * k + c]);
            }
            assertArrayEquals(indices, picks, r.name());
            Compare.assertClose(r.name() + " weights", download(w), weights, Tolerance.ELEMENTWISE);
            Compare.assertClose(r.name() + " probs", download(p), probs, Tolerance.ELEMENTWISE);
        }
        assertEquals(5, rejected, "the reference rejects a +inf logit (twice), a NaN logit, a NaN bias, a row of -inf");
    }

    @Test
    void topkBackwardAddsTheSlotsOfARepeatedIndex() throws Exception {
        java.util.Random rnd = new java.util.Random(4);
        int e = 5;
        int[][] picks = {{1, 1}, {2, 0, 2}, {4, 4, 4, 1}, {0, 3}, {3}};
        List<String> requests = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (boolean renormalize : new boolean[] {false, true}) {
            for (int[] idx : picks) {
                int k = idx.length;
                float[] probs = new float[e];
                float[] dw = new float[k];
                for (int c = 0; c < e; c++) {
                    probs[c] = 0.05f + rnd.nextFloat();
                }
                for (int j = 0; j < k; j++) {
                    dw[j] = (float) rnd.nextGaussian();
                }
                StringBuilder s = new StringBuilder("topkbw " + e + " " + k + " " + (renormalize ? 1 : 0));
                for (float v : dw) {
                    s.append(' ').append(bits(v));
                }
                for (float v : probs) {
                    s.append(' ').append(bits(v));
                }
                for (int v : idx) {
                    s.append(' ').append(v);
                }
                requests.add(s.toString());
                Storage dl = REFERENCE.allocate(e), dws = REFERENCE.allocate(k), ps = REFERENCE.allocate(e);
                REFERENCE.copyIn(dws, 0, dw, 0, k);
                REFERENCE.copyIn(ps, 0, probs, 0, e);
                REFERENCE.routing().topkBackward(dl, dws, ps, idx, 1, e, k, renormalize);
                expected.add(download(dl));
            }
        }
        List<String> answers = ask(requests);
        for (int i = 0; i < requests.size(); i++) {
            String[] a = answers.get(i).split(" ");
            float[] dl = new float[e];
            for (int c = 0; c < e; c++) {
                dl[c] = fromBits(a[c]);
            }
            Compare.assertClose("topkBackward " + requests.get(i), expected.get(i), dl, Tolerance.REDUCTION);
        }
    }

    // ---------------------------------------------------------------- softmax

    /**
     * Rows of NormsContract.softmaxWithNonFiniteLogits and more: -inf logits get probability 0
     * (log: -inf), a +inf or NaN logit makes the row NaN, a row of only -inf is NaN, as in the
     * reference. The row's max and sum are the kernel's block reductions, done here in order.
     */
    @Test
    void softmaxRowsWithNonFiniteLogitsMatchTheReference() throws Exception {
        float inf = Float.POSITIVE_INFINITY;
        java.util.Random rnd = new java.util.Random(23);
        List<float[]> rows = new ArrayList<>();
        for (int cols : new int[] {7, 33}) {
            float[] finite = gaussian(rnd, cols, 2);
            float[] everyThird = gaussian(rnd, cols, 2);
            for (int c = 0; c < cols; c += 3) {
                everyThird[c] = -inf;
            }
            float[] lastMasked = gaussian(rnd, cols, 2);
            lastMasked[cols - 1] = -inf;
            float[] plusInf = gaussian(rnd, cols, 2);
            plusInf[1] = inf;
            float[] nan = gaussian(rnd, cols, 2);
            nan[2] = Float.NaN;
            rows.addAll(List.of(finite, everyThird, lastMasked, plusInf, nan));
        }
        rows.add(new float[] {-inf, -inf, -inf});
        rows.add(new float[] {inf, 0f, inf});
        rows.add(new float[] {-inf, inf, 1f});
        rows.add(new float[] {Float.NaN, inf, -inf});
        rows.add(new float[] {-inf, 3f, -inf});
        rows.add(new float[] {80f, -80f, 0f, 88f, -1e30f});
        rows.add(new float[] {5f});
        List<String> requests = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (boolean log : new boolean[] {false, true}) {
            for (float[] x : rows) {
                StringBuilder s = new StringBuilder("softmax " + x.length + " " + (log ? 1 : 0));
                append(s, x);
                requests.add(s.toString());
                labels.add("softmax log=" + log + " of " + java.util.Arrays.toString(x));
                Storage in = REFERENCE.allocate(x.length), out = REFERENCE.allocate(x.length);
                REFERENCE.copyIn(in, 0, x, 0, x.length);
                REFERENCE.norms().softmax(out, in, 1, x.length, log);
                expected.add(download(out));
            }
        }
        List<String> answers = ask(requests);
        for (int i = 0; i < requests.size(); i++) {
            Compare.assertClose(labels.get(i), expected.get(i), floats(answers.get(i), expected.get(i).length),
                    Tolerance.REDUCTION);
        }
    }

    // ---------------------------------------------------------------- ordered adds

    private static float[] gaussian(java.util.Random rnd, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * scale);
        }
        return x;
    }

    private static int[] below(java.util.Random rnd, int n, int bound) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(bound);
        }
        return x;
    }

    private static void append(StringBuilder s, float[] values) {
        for (float v : values) {
            s.append(' ').append(bits(v));
        }
    }

    private static void append(StringBuilder s, int[] values, int count) {
        for (int i = 0; i < count; i++) {
            s.append(' ').append(values[i]);
        }
    }

    private static float[] floats(String answer, int n) {
        String[] a = answer.split(" ");
        assertEquals(n, a.length, "values in the answer");
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = fromBits(a[i]);
        }
        return out;
    }

    /**
     * indexAddRows as the device runs it: the host's grouping (HostIndices.groupByRow, the very
     * arrays uploaded) and index_add_rows_grouped_f32's adds (indexing.cuh) for every block and
     * column. The SPI fixes the order (increasing i, in float), so the bits must be the reference's:
     * hundreds of adds of values near 100 into a row, infinities and a NaN among them, and
     * 1 + 1e8 - 1e8, which is 0 in that order and 1 in any other.
     */
    @Test
    void indexAddRowsHasTheReferencesBits() throws Exception {
        record Add(String name, float[] dst, float[] src, int[] rows, int width) {
        }
        java.util.Random rnd = new java.util.Random(21);
        List<Add> cases = new ArrayList<>();
        for (int width : new int[] {1, 33}) {
            float[] src = gaussian(rnd, 2000 * width, 100);
            src[0] = Float.POSITIVE_INFINITY;
            src[1000 * width + width - 1] = Float.NaN;
            src[1500 * width] = Float.NEGATIVE_INFINITY;
            cases.add(new Add("2000 into 5 rows, width " + width, gaussian(rnd, 5 * width, 1), src, below(rnd, 2000, 5),
                    width));
        }
        cases.add(new Add("1000 into 50 rows, width 64", gaussian(rnd, 50 * 64, 1), gaussian(rnd, 1000 * 64, 1),
                below(rnd, 1000, 50), 64));
        cases.add(new Add("1 + 1e8 - 1e8", new float[2], new float[] {1f, 1e8f, -1e8f}, new int[] {1, 1, 1}, 1));
        List<String> requests = new ArrayList<>();
        for (Add c : cases) {
            int count = c.rows().length;
            HostIndices.RowGroups g = HostIndices.groupByRow(c.rows(), count);
            StringBuilder s = new StringBuilder("addrows " + count + " " + c.width() + " " + c.dst().length / c.width()
                    + " " + g.groups());
            append(s, g.rows(), g.groups());
            append(s, g.start(), g.groups() + 1);
            append(s, g.order(), count);
            append(s, c.dst());
            append(s, c.src());
            requests.add(s.toString());
        }
        List<String> answers = ask(requests);
        for (int i = 0; i < cases.size(); i++) {
            Add c = cases.get(i);
            Storage dst = REFERENCE.allocate(c.dst().length), src = REFERENCE.allocate(c.src().length);
            REFERENCE.copyIn(dst, 0, c.dst(), 0, c.dst().length);
            REFERENCE.copyIn(src, 0, c.src(), 0, c.src().length);
            REFERENCE.indexing().indexAddRows(dst, src, c.rows(), c.rows().length, c.width());
            Compare.assertSameBits("indexAddRows " + c.name(), download(dst), floats(answers.get(i), c.dst().length));
        }
    }

    /** scatterAdd as scatter_add_f32 runs it (scatter_add_column per thread): the reference's bits. */
    @Test
    void scatterAddHasTheReferencesBits() throws Exception {
        record Scatter(String name, int outer, int len, int inner, int idxLen, float[] dx, float[] dout, int[] idx) {
        }
        java.util.Random rnd = new java.util.Random(22);
        List<Scatter> cases = new ArrayList<>();
        float[] dout = gaussian(rnd, 2000 * 33, 100);
        dout[40] = Float.POSITIVE_INFINITY;
        dout[41] = Float.NaN;
        dout[5000] = Float.NEGATIVE_INFINITY;
        cases.add(new Scatter("(O, L, I, J) = (1, 3, 33, 2000)", 1, 3, 33, 2000, gaussian(rnd, 3 * 33, 1), dout,
                below(rnd, 2000 * 33, 3)));
        cases.add(new Scatter("(O, L, I, J) = (2, 7, 30, 200)", 2, 7, 30, 200, gaussian(rnd, 2 * 7 * 30, 1),
                gaussian(rnd, 2 * 200 * 30, 1), below(rnd, 2 * 200 * 30, 7)));
        cases.add(new Scatter("1 + 1e8 - 1e8", 1, 2, 1, 3, new float[2], new float[] {1f, 1e8f, -1e8f},
                new int[] {1, 1, 1}));
        List<String> requests = new ArrayList<>();
        for (Scatter c : cases) {
            StringBuilder s = new StringBuilder("scatteradd " + c.outer() + " " + c.len() + " " + c.inner() + " "
                    + c.idxLen());
            append(s, c.dx());
            append(s, c.dout());
            append(s, c.idx(), c.idx().length);
            requests.add(s.toString());
        }
        List<String> answers = ask(requests);
        for (int i = 0; i < cases.size(); i++) {
            Scatter c = cases.get(i);
            Storage dx = REFERENCE.allocate(c.dx().length), d = REFERENCE.allocate(c.dout().length);
            REFERENCE.copyIn(dx, 0, c.dx(), 0, c.dx().length);
            REFERENCE.copyIn(d, 0, c.dout(), 0, c.dout().length);
            REFERENCE.indexing().scatterAdd(dx, d, c.idx(), c.outer(), c.len(), c.inner(), c.idxLen());
            Compare.assertSameBits("scatterAdd " + c.name(), download(dx), floats(answers.get(i), c.dx().length));
        }
    }

    private static float[] download(Storage s) {
        float[] out = new float[s.length()];
        REFERENCE.copyOut(s, 0, out, 0, out.length);
        return out;
    }
}
