package org.jdna.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReusableDispatchPlanTest {

    // 4 tokens (2 sequences of 2), K = 2, E = 3; module 2 gets nobody from sequence 0.
    private static final int[] INDICES = {1, 0, 0, 1, 2, 1, 1, 0};

    @Test
    void sortsPairsByModuleKeepingTokenOrder() {
        ReusableDispatchPlan plan = new ReusableDispatchPlan(4, 3, 2);
        plan.build(INDICES, 4);
        assertEquals(8, plan.rows());
        assertArrayEquals(new int[]{3, 4, 1}, new int[]{plan.count(0), plan.count(1), plan.count(2)});
        assertArrayEquals(new int[]{0, 3, 7}, new int[]{plan.offset(0), plan.offset(1), plan.offset(2)});
        // module 0: tokens 0, 1, 3; module 1: tokens 0, 1, 2, 3; module 2: token 2
        assertArrayEquals(new int[]{0, 1, 3, 0, 1, 2, 3, 2}, java.util.Arrays.copyOf(plan.sourceRows(), 8));
        for (int p = 0; p < 8; p++) {
            int row = plan.slotRows()[p];
            assertEquals(p / 2, plan.sourceRows()[row], "slot " + p + " points at a row of another token");
            assertTrue(row >= plan.offset(INDICES[p]) && row < plan.offset(INDICES[p]) + plan.count(INDICES[p]),
                    "slot " + p + " points outside its module's group");
        }
    }

    @Test
    void segmentsSplitEachModuleBySequenceWithEmptyOnes() {
        ReusableDispatchPlan plan = new ReusableDispatchPlan(4, 3, 2);
        plan.build(INDICES, 4);
        int[] segments = new int[3 * 2 + 1];
        plan.sequenceSegments(segments, 2, 2);
        // module 0: seq0 rows [0,2), seq1 [2,3); module 1: [3,5), [5,7); module 2: [7,7) empty, [7,8)
        assertArrayEquals(new int[]{0, 2, 3, 5, 7, 7, 8}, segments);
    }

    @Test
    void rejectsAnOutOfRangeModuleNamingIt() {
        ReusableDispatchPlan plan = new ReusableDispatchPlan(2, 3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plan.build(new int[]{0, 1, 3, 0}, 2));
        assertTrue(e.getMessage().contains("dispatch") && e.getMessage().contains("3")
                && e.getMessage().contains("token 1"), e.getMessage());
    }

    @Test
    void reusesItsArraysAcrossBuilds() {
        ReusableDispatchPlan plan = new ReusableDispatchPlan(4, 3, 2);
        plan.build(INDICES, 4);
        int[] rows = plan.sourceRows();
        plan.build(new int[]{2, 1, 2, 0}, 2);
        assertTrue(rows == plan.sourceRows());
        // token 0 -> modules 2, 1; token 1 -> modules 2, 0
        assertArrayEquals(new int[]{1, 1, 2}, new int[]{plan.count(0), plan.count(1), plan.count(2)});
        assertArrayEquals(new int[]{1, 0, 0, 1}, java.util.Arrays.copyOf(plan.sourceRows(), 4));
    }

    /** The one-call dispatch (sort + gather on a backend) leaves the plan build() makes, plus the rows. */
    @Test
    void dispatchOnABackendMatchesBuildAndGathers() {
        org.jdna.engine.backend.Backend backend = org.jdna.engine.backend.reference.ReferenceBackend.INSTANCE;
        ReusableDispatchPlan built = new ReusableDispatchPlan(4, 3, 2);
        built.build(INDICES, 4);
        ReusableDispatchPlan dispatched = new ReusableDispatchPlan(4, 3, 2);
        org.jdna.engine.backend.Storage x = backend.allocate(4 * 2);
        backend.copyIn(x, 0, new float[]{0, 1, 10, 11, 20, 21, 30, 31}, 0, 8);
        org.jdna.engine.backend.Storage out = backend.allocate(8 * 2);
        dispatched.dispatch(backend, out, x, INDICES, 4, 2);
        assertArrayEquals(built.sourceRows(), dispatched.sourceRows());
        assertArrayEquals(built.slotRows(), dispatched.slotRows());
        for (int e = 0; e < 3; e++) {
            assertEquals(built.offset(e), dispatched.offset(e));
            assertEquals(built.count(e), dispatched.count(e));
        }
        float[] gathered = new float[16];
        backend.copyOut(out, 0, gathered, 0, 16);
        // rows hold tokens 0, 1, 3, 0, 1, 2, 3, 2
        assertArrayEquals(new float[]{0, 1, 10, 11, 30, 31, 0, 1, 10, 11, 20, 21, 30, 31, 20, 21}, gathered);
    }
}
