package org.jdna.engine.backend.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The suite must be able to fail: a backend with one slightly wrong primitive is caught, and said where;
 * so is one whose sums change from call to call, drop duplicates, skip bad indices or hide a NaN.
 */
class ContractCanFailTest {

    /** The reference, except that after `broken` runs, element 5 of its output (first storage argument) is nudged. */
    private static Backend nudging(String broken, float nudge) {
        return nudging(broken, nudge, false);
    }

    /** As above; lastStorage picks the last storage argument instead (gemm's C). */
    private static Backend nudging(String broken, float nudge, boolean lastStorage) {
        return intercepting(broken, (original, args) -> {
            Object result = original.call();
            for (int i = 0; i < args.length; i++) {
                Object a = args[lastStorage ? args.length - 1 - i : i];
                if (a instanceof Storage s && s.length() > 5) {
                    float[] one = new float[1];
                    ReferenceBackend.INSTANCE.copyOut(s, 5, one, 0, 1);
                    one[0] += nudge;
                    ReferenceBackend.INSTANCE.copyIn(s, 5, one, 0, 1);
                    break;
                }
            }
            return result;
        });
    }

    /** One primitive's replacement: receives the call's arguments, runs on the reference's storages. */
    @FunctionalInterface
    private interface Replacement {
        void run(Object[] args);
    }

    /** The reference, except that the named primitive runs `replacement` instead. */
    private static Backend replacing(String method, Replacement replacement) {
        return intercepting(method, (original, args) -> {
            replacement.run(args);
            return null;
        });
    }

    /** A call of the reference's primitive, with the arguments it was given. */
    @FunctionalInterface
    private interface Original {
        Object call() throws Throwable;
    }

    /** What runs instead of an intercepted primitive; {@code original} runs the reference's. */
    @FunctionalInterface
    private interface Interceptor {
        Object call(Original original, Object[] args) throws Throwable;
    }

    /**
     * The reference behind a proxy whose kernel families are proxies too, so that the primitive named
     * {@code primitive} (in whichever family declares it) goes through {@code interceptor}; every
     * other call reaches the reference unchanged.
     */
    private static Backend intercepting(String primitive, Interceptor interceptor) {
        return (Backend) proxyOf(Backend.class, ReferenceBackend.INSTANCE, primitive, interceptor);
    }

    private static Object proxyOf(Class<?> type, Object target, String primitive, Interceptor interceptor) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            Original original = () -> {
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            if (method.getName().equals(primitive)) {
                return interceptor.call(original, args);
            }
            Object result = original.call();
            Class<?> returned = method.getReturnType();
            boolean family = returned.isInterface() && returned.getSimpleName().endsWith("Kernels");
            return family ? proxyOf(returned, result, primitive, interceptor) : result;
        });
    }

    private static float[] read(Object storage) {
        Storage s = (Storage) storage;
        float[] host = new float[s.length()];
        ReferenceBackend.INSTANCE.copyOut(s, 0, host, 0, host.length);
        return host;
    }

    private static void write(Object storage, float[] host) {
        ReferenceBackend.INSTANCE.copyIn((Storage) storage, 0, host, 0, host.length);
    }

    private static final java.util.concurrent.atomic.AtomicLong CALLS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * indexAddRows as an atomic add would run it: the additions into each row land in an order
     * that changes from call to call (a seeded shuffle per call stands in for the GPU's timing).
     */
    private static Backend atomicIndexAdd() {
        return replacing("indexAddRows", a -> {
            float[] dst = read(a[0]);
            float[] src = read(a[1]);
            int[] rows = (int[]) a[2];
            int count = (int) a[3];
            int width = (int) a[4];
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            java.util.Random timing = new java.util.Random(CALLS.incrementAndGet());
            java.util.Collections.shuffle(java.util.Arrays.asList(order), timing);
            for (int i : order) {
                for (int c = 0; c < width; c++) {
                    dst[rows[i] * width + c] += src[i * width + c];
                }
            }
            write(a[0], dst);
        });
    }

    @Test
    void anAtomicAddIsCaughtByTheOrderAndTheSameBitsChecks() {
        BackendContract suite = suiteFor(atomicIndexAdd());
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                suite::indexAddRowsAndScatterAddGiveTheSameBitsEveryRun);
        assertTrue(e.getMessage().contains("differ in their bits"), e.getMessage());
        assertThrows(AssertionFailedError.class, suite::indexAddRowsAndScatterAddMatchTheOrderedSumExactly);
    }

    /** scatterAdd adding in decreasing j: deterministic, but not the specified sum. */
    @Test
    void anAddInTheWrongOrderIsCaught() {
        Backend backwards = replacing("scatterAdd", a -> {
            float[] dx = read(a[0]);
            float[] dout = read(a[1]);
            int[] idx = (int[]) a[2];
            int outer = (int) a[3];
            int len = (int) a[4];
            int inner = (int) a[5];
            int idxLen = (int) a[6];
            for (int o = 0; o < outer; o++) {
                for (int j = idxLen - 1; j >= 0; j--) {
                    for (int i = 0; i < inner; i++) {
                        int at = (o * idxLen + j) * inner + i;
                        dx[(o * len + idx[at]) * inner + i] += dout[at];
                    }
                }
            }
            write(a[0], dx);
        });
        BackendContract suite = suiteFor(backwards);
        assertThrows(AssertionFailedError.class, suite::addsRunInIncreasingIndexOrderWrittenOut);
        assertThrows(AssertionFailedError.class, suite::indexAddRowsAndScatterAddMatchTheOrderedSumExactly);
    }

    /** A combine whose result depends on the call (summed in double every other call, in float otherwise). */
    @Test
    void aCombineThatVariesBetweenCallsIsCaught() {
        Backend flaky = replacing("combine", a -> {
            float[] y = read(a[1]);
            float[] w = read(a[2]);
            int[] slots = (int[]) a[3];
            int tokens = (int) a[4];
            int k = (int) a[5];
            int width = (int) a[6];
            boolean inDouble = CALLS.incrementAndGet() % 2 == 0;
            float[] out = new float[tokens * width];
            for (int t = 0; t < tokens; t++) {
                for (int c = 0; c < width; c++) {
                    double acc = 0;
                    for (int j = 0; j < k; j++) {
                        if (slots[t * k + j] != -1) {
                            double term = (double) w[t * k + j] * y[slots[t * k + j] * width + c];
                            acc = inDouble ? acc + term : (float) ((float) acc + (float) term);
                        }
                    }
                    out[t * width + c] = (float) acc;
                }
            }
            write(a[0], out);
        });
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                suiteFor(flaky)::routingGivesTheSameBitsEveryRun);
        assertTrue(e.getMessage().contains("combine") && e.getMessage().contains("differ in their bits"),
                e.getMessage());
    }

    /** topkBackward that writes a pick's gradient instead of adding it: the last of two equal indices wins. */
    @Test
    void aTopkBackwardThatDropsDuplicatesIsCaught() {
        Backend overwriting = replacing("topkBackward", a -> {
            float[] dweights = read(a[1]).clone();
            int[] indices = (int[]) a[3];
            int rows = (int) a[4];
            int k = (int) a[6];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < k; j++) {
                    for (int later = j + 1; later < k; later++) {
                        if (indices[r * k + later] == indices[r * k + j]) {
                            dweights[r * k + j] = 0f;
                        }
                    }
                }
            }
            Storage dw = ReferenceBackend.INSTANCE.allocate(dweights.length);
            write(dw, dweights);
            ReferenceBackend.INSTANCE.routing().topkBackward((Storage) a[0], dw, (Storage) a[2], indices, rows,
                    (int) a[5], k, (boolean) a[7]);
        });
        assertThrows(AssertionFailedError.class, suiteFor(overwriting)::topkBackwardSumsDuplicateIndices);
    }

    /** combineBackward that skips a bad slot instead of rejecting it. */
    @Test
    void aCombineBackwardThatSkipsBadSlotsIsCaught() {
        Backend lenient = replacing("combineBackward", a -> {
            int[] slots = ((int[]) a[5]).clone();
            int rows = ((Storage) a[3]).length() / (int) a[8];
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] >= rows || slots[i] < -1) {
                    slots[i] = -1;
                }
            }
            ReferenceBackend.INSTANCE.routing().combineBackward((Storage) a[0], (Storage) a[1], (Storage) a[2],
                    (Storage) a[3], (Storage) a[4], slots, (int) a[6], (int) a[7], (int) a[8]);
        });
        assertThrows(AssertionFailedError.class,
                suiteFor(lenient)::combineBackwardAndTopkBackwardRejectIndicesOutOfRange);
    }

    /** combine multiplying every slot's row by a 0/1 mask instead of skipping dropped ones: 0 * NaN = NaN. */
    @Test
    void aCombineThatMasksInsteadOfSkippingIsCaught() {
        Backend masking = replacing("combine", a -> {
            float[] y = read(a[1]);
            float[] w = read(a[2]);
            int[] slots = (int[]) a[3];
            int tokens = (int) a[4];
            int k = (int) a[5];
            int width = (int) a[6];
            float[] out = new float[tokens * width];
            for (int t = 0; t < tokens; t++) {
                for (int j = 0; j < k; j++) {
                    int slot = slots[t * k + j];
                    float keep = slot == -1 ? 0f : 1f;
                    for (int c = 0; c < width; c++) {
                        out[t * width + c] += keep * w[t * k + j] * y[Math.max(slot, 0) * width + c];
                    }
                }
            }
            write(a[0], out);
        });
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                suiteFor(masking)::combineIgnoresNonFiniteValuesOutsideItsSlots);
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    /** A ReLU that turns NaN into 0 (max(x, 0) written as x > 0 ? x : 0 does) hides a diverging run. */
    @Test
    void aReluThatHidesNaNIsCaught() {
        Backend hiding = replacing("unary", a -> {
            org.jdna.engine.backend.UnaryOp op = (org.jdna.engine.backend.UnaryOp) a[0];
            ReferenceBackend.INSTANCE.elementwise().unary(op, (Storage) a[1], (Storage) a[2], (int) a[3], (float) a[4]);
            if (op == org.jdna.engine.backend.UnaryOp.RELU) {
                float[] out = read(a[1]);
                for (int i = 0; i < out.length; i++) {
                    out[i] = out[i] > 0 ? out[i] : 0f;
                }
                write(a[1], out);
            }
        });
        assertThrows(AssertionFailedError.class, suiteFor(hiding)::unaryOpsOnNonFiniteValues);
    }

    private static BackendContract suiteFor(Backend backend) {
        return new BackendContract() {
            @Override
            protected Backend backend() {
                return backend;
            }
        };
    }

    @Test
    void aWrongSoftmaxElementFailsWithItsIndex() {
        BackendContract suite = suiteFor(nudging("softmax", 1e-3f));
        AssertionFailedError e = assertThrows(AssertionFailedError.class, suite::softmaxAndLogSoftmax);
        assertTrue(e.getMessage().contains("first bad index 5") && e.getMessage().contains("largest difference"),
                e.getMessage());
    }

    @Test
    void aWrongGemmAndAWrongAttentionGradientAreCaught() {
        assertThrows(AssertionFailedError.class, suiteFor(nudging("gemm", 1e-2f, true))::gemmAllTransposesModeratelyLarge);
        assertThrows(AssertionFailedError.class,
                suiteFor(nudging("backward", 1e-2f))::attentionBackwardOverEveryLayout);
        assertThrows(AssertionFailedError.class, suiteFor(nudging("combine", 1e-3f))::combineSkipsDroppedSlots);
    }

    @Test
    void compareReportsFirstBadIndexAndLargestDifference() {
        float[] expected = {1, 2, 3, 4, Float.NaN};
        float[] actual = {1, 2.5f, 3, 6, Float.NaN};
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Compare.assertClose("demo", expected, actual, Tolerance.ELEMENTWISE));
        assertTrue(e.getMessage().contains("2 of 5") && e.getMessage().contains("first bad index 1")
                && e.getMessage().contains("largest difference 2.0 at index 3"), e.getMessage());
        assertThrows(AssertionFailedError.class,
                () -> Compare.assertClose("nan", new float[]{1}, new float[]{Float.NaN}, Tolerance.REDUCTION));
        Compare.assertClose("close", new float[]{1000f}, new float[]{1000.05f}, Tolerance.REDUCTION);
    }
}
