package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.jdna.dna.config.ModuleKind;
import org.jdna.dna.config.ModulePool;
import org.jdna.dna.model.RoutingTrace;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static StepResult step(long s) {
        RoutingTrace empty = new RoutingTrace(1, 1, 1, ModulePool.of(ModuleKind.TRANSFORMER, 1), List.of());
        return new StepResult(s, 2.5, 0, 1e-3, 0.5, empty, 1000, 1_000_000L);
    }

    @Test
    void linesModePrintsOneLinePerLogEveryAndNoCarriageReturns() {
        StringWriter w = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(w), ProgressBar.Mode.LINES, 10, 5, "tok");
        bar.start(1);
        for (long s = 1; s <= 10; s++) {
            bar.step(step(s), 0.3);
        }
        bar.finish();
        String[] lines = w.toString().split("\n");
        assertEquals(3, lines.length, w.toString()); // steps 1, 5, 10
        assertTrue(lines[2].startsWith("step 10/10 100% | loss 2.5000 | lr 1.00e-03 | 1,000,000 tok/s | identity 0.30"
                + " | ETA 0s"), lines[2]);
        assertFalse(w.toString().contains("\r"));
    }

    @Test
    void barModeRedrawsInPlaceAndEndsTheLineBeforeMessages() {
        StringWriter w = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(w), ProgressBar.Mode.BAR, 4, 1, "tok");
        bar.start(1);
        bar.step(step(1), Double.NaN);
        bar.message("eval step 1: val loss 2.4");
        bar.step(step(4), Double.NaN);
        bar.finish();
        String out = w.toString();
        assertTrue(out.startsWith("\rstep 1/4 [#####...............]  25% | loss 2.5000"), out);
        assertTrue(out.contains("\u001b[K\neval step 1: val loss 2.4\n\rstep 4/4 [####################] 100%"), out);
        assertFalse(out.contains("identity"), "no identity modules, no identity column");
        assertTrue(out.endsWith("\n"));
    }

    @Test
    void formatsReadable() {
        assertEquals("45s", Format.duration(44.6));
        assertEquals("3m12s", Format.duration(192));
        assertEquals("1h04m", Format.duration(3840));
        assertEquals("2.35M", Format.si(2_345_678));
        assertEquals("812k", Format.si(812_000));
        assertEquals("1.00k", Format.si(999.6));
        assertEquals("0.30 0.29", Format.fractions(new double[]{0.3, 0.294}));
    }
}
