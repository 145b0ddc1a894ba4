package org.jdna.engine.optim;

import static org.jdna.engine.optim.OptimTestSupport.param;
import static org.jdna.engine.optim.OptimTestSupport.setGrad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradClipTest {

    @Test
    void clipsTheGlobalNormExactlyToMaxNorm() {
        Tensor a = param(0f, 0f);
        Tensor b = param(0f);
        Tensor noGrad = param(5f);
        setGrad(a, 3f, 4f);
        setGrad(b, 12f);
        List<Tensor> params = List.of(a, b, noGrad);
        double before = GradClip.clipGlobalNorm(params, 6.5);
        assertEquals(13.0, before, 1e-9);
        assertEquals(6.5, GradClip.globalNorm(params), 1e-5);
        assertArrayEquals(new float[]{1.5f, 2f}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[]{6f}, b.grad().toArray(), 1e-6f);
        assertNull(noGrad.grad());
    }

    @Test
    void leavesSmallGradientsUntouched() {
        Tensor a = param(0f, 0f);
        setGrad(a, 0.3f, 0.4f);
        assertEquals(0.5, GradClip.clipGlobalNorm(List.of(a), 1.0), 1e-7);
        assertArrayEquals(new float[]{0.3f, 0.4f}, a.grad().toArray());
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(List.of(a), 0));
    }
}
