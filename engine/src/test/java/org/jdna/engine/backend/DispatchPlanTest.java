package org.jdna.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DispatchPlanTest {

    @Test
    void sortsSlotsByModuleStablyAndInverts() {
        // N = 4 tokens, K = 2, E = 3: token t chose (choices[2t], choices[2t+1])
        int[] choices = {2, 0, 0, 1, 2, 1, 0, 2};
        DispatchPlan p = DispatchPlan.build(choices, 4, 2, 3, null);
        assertEquals(8, p.rows());
        assertArrayEquals(new int[]{0, 3, 5, 8}, p.offsets());
        // module 0 holds tokens 0, 1, 3; module 1 tokens 1, 2; module 2 tokens 0, 2, 3 (ascending)
        assertArrayEquals(new int[]{0, 1, 3, 1, 2, 0, 2, 3}, p.tokenOfRow());
        for (int s = 0; s < choices.length; s++) {
            int row = p.slotRow()[s];
            assertEquals(s / 2, p.tokenOfRow()[row], "slot " + s);
            assertTrue(row >= p.offset(choices[s]) && row < p.offset(choices[s]) + p.count(choices[s]));
        }
    }

    @Test
    void skippedModulesGetNoRows() {
        int[] choices = {0, 1, 1, 0, 1, 1};
        DispatchPlan p = DispatchPlan.build(choices, 3, 2, 2, new boolean[]{false, true});
        assertEquals(2, p.rows());
        assertArrayEquals(new int[]{0, -1, -1, 1, -1, -1}, p.slotRow());
        assertEquals(0, p.count(1));
    }

    @Test
    void emptyModulesAndSegmentsBySequence() {
        // 6 tokens = 2 sequences of 3; K = 1; module 1 gets tokens 1, 2 (seq 0) and 4 (seq 1)
        int[] choices = {0, 1, 1, 0, 1, 0};
        DispatchPlan p = DispatchPlan.build(choices, 6, 1, 3, null);
        assertEquals(0, p.count(2));
        assertArrayEquals(new int[]{0, 2, 3}, p.segments(1, 3));
        assertArrayEquals(new int[]{0, 1, 3}, p.segments(0, 3));
        assertArrayEquals(new int[]{0}, p.segments(2, 3));
    }

    @Test
    void badInputNamesTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> DispatchPlan.build(new int[]{0, 3}, 2, 1, 3, null));
        assertTrue(e.getMessage().contains("module index 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DispatchPlan.build(new int[]{0, 1}, 1, 3, 2, null));
        assertTrue(e.getMessage().contains("K = 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DispatchPlan.build(new int[]{0, -1}, 2, 1, 2, null));
        assertTrue(e.getMessage().contains("module index -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DispatchPlan.build(new int[]{0}, 2, 1, 2, null));
        assertTrue(e.getMessage().contains("1 choices"), e.getMessage());
    }
}
