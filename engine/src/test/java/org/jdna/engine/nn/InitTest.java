package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {

    @Test
    void sameSeedGivesSameWeightsAndOtherStreamsDiffer() {
        float[] a = Init.normal(Tensor.zeros(64, 32), 0.02, new Rng(42).fork("init")).toArray();
        float[] b = Init.normal(Tensor.zeros(64, 32), 0.02, new Rng(42).fork("init")).toArray();
        float[] c = Init.normal(Tensor.zeros(64, 32), 0.02, new Rng(42).fork("other")).toArray();
        float[] d = Init.normal(Tensor.zeros(64, 32), 0.02, new Rng(43).fork("init")).toArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        assertFalse(Arrays.equals(a, d));

        float[] m1 = new ModuleTest.TinyModel(5).tok.weight().toArray();
        float[] m2 = new ModuleTest.TinyModel(5).tok.weight().toArray();
        assertArrayEquals(m1, m2);
    }

    @Test
    void normalHasTheAskedMeanAndStd() {
        float[] v = Init.normal(Tensor.zeros(200, 100), 1.5, 0.25, new Rng(7)).toArray();
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(var / v.length);
        assertEquals(1.5, mean, 0.005);
        assertEquals(0.25, std, 0.005);
    }

    @Test
    void uniformAndXavierStayInTheirBounds() {
        float[] u = Init.uniform(Tensor.zeros(1000), -0.5, 0.25, new Rng(1)).toArray();
        for (float x : u) {
            assertTrue(x >= -0.5f && x < 0.25f, "value " + x + " outside [-0.5, 0.25)");
        }
        Tensor w = Tensor.zeros(30, 20);
        double bound = Math.sqrt(6.0 / 50);
        float max = 0;
        for (float x : Init.xavierUniform(w, 1.0, new Rng(2)).toArray()) {
            max = Math.max(max, Math.abs(x));
        }
        assertTrue(max <= bound && max > 0.9 * bound, "max |w| " + max + " vs bound " + bound);
        assertEquals(20, Init.fanIn(w));
        assertEquals(30, Init.fanOut(w));
        assertThrows(IllegalArgumentException.class, () -> Init.fanIn(Tensor.zeros(5)));
        assertArrayEquals(new float[]{1, 1, 1}, Init.ones(Tensor.zeros(3)).toArray());
        assertArrayEquals(new float[]{0, 0}, Init.zeros(Tensor.ones(2)).toArray());
    }

    @Test
    void gpt2InitScalesResidualProjections() {
        int layers = 8;
        Mlp mlp = Gpt2Init.apply(new Mlp(64, 256, true, new Rng(0)), layers, new Rng(9));
        double fcStd = std(mlp.fc().weight().toArray());
        double projStd = std(mlp.proj().weight().toArray());
        assertEquals(0.02, fcStd, 0.001);
        assertEquals(0.02 / Math.sqrt(2 * layers), projStd, 0.0005);
        assertArrayEquals(new float[64], mlp.proj().bias().toArray());
    }

    private static double std(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s / v.length);
    }
}
