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

/** The suite must be able to fail: a backend with one slightly wrong primitive is caught, and said where. */
class ContractCanFailTest {

    /** The reference, except that after `broken` runs, element 5 of its output (first storage argument) is nudged. */
    private static Backend nudging(String broken, float nudge) {
        return nudging(broken, nudge, false);
    }

    /** As above; lastStorage picks the last storage argument instead (gemm's C). */
    private static Backend nudging(String broken, float nudge, boolean lastStorage) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(ReferenceBackend.INSTANCE, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals(broken)) {
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
                    }
                    return result;
                });
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
                suiteFor(nudging("attentionBackward", 1e-2f))::attentionBackwardOverEveryLayout);
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
