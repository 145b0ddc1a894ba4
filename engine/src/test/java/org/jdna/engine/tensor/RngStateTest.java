package org.jdna.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RngStateTest {
    @Test
    void loadInPlaceContinuesTheSavedStream() {
        Rng a = new Rng(42).fork("dropout");
        a.nextGaussian(); // leaves a spare gaussian in the state
        long[] saved = a.state();
        double[] want = {a.nextGaussian(), a.nextDouble(), a.nextInt(1000)};

        Rng b = new Rng(7);
        b.nextLong();
        b.load(saved);
        assertEquals(want[0], b.nextGaussian());
        assertEquals(want[1], b.nextDouble());
        assertEquals(want[2], b.nextInt(1000));
        assertEquals(Rng.restore(saved).fork("x").nextLong(), b.fork("x").nextLong(), "the seed is restored too");
    }

    @Test
    void loadRejectsAWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> new Rng(1).load(new long[2]));
    }
}
