package org.jdna.dna.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenBatcherTest {
    private static TextSplit split(int n) {
        byte[] text = new byte[n];
        for (int i = 0; i < n; i++) {
            text[i] = (byte) (i * 7 + 3);
        }
        return TextSplit.of("train", List.of(new TaggedDocument("d", "x", text, new short[n])));
    }

    @Test
    void targetsAreInputsShiftedByOne() {
        TextSplit s = split(500);
        TokenBatcher b = new TokenBatcher(s, 4, 16, new Rng(1));
        for (int round = 0; round < 50; round++) {
            TokenBatcher.Batch batch = b.next();
            for (int r = 0; r < 4; r++) {
                int start = batch.starts()[r];
                assertTrue(start >= 0 && start + 17 <= s.length(), "window in range: " + start);
                for (int t = 0; t < 16; t++) {
                    assertEquals(s.bytes()[start + t] & 0xFF, batch.inputs()[r * 16 + t]);
                    assertEquals(s.bytes()[start + t + 1] & 0xFF, batch.targets()[r * 16 + t]);
                }
            }
        }
    }

    @Test
    void restoredStateContinuesBitIdentically() {
        TextSplit s = split(1000);
        TokenBatcher a = new TokenBatcher(s, 3, 8, new Rng(42).fork("data"));
        a.next();
        a.next();
        long[] saved = a.state();
        TokenBatcher.Batch expected1 = a.next();
        TokenBatcher.Batch expected2 = a.next();
        TokenBatcher b = new TokenBatcher(s, 3, 8, new Rng(999));
        b.restore(saved);
        assertArrayEquals(expected1.inputs(), b.next().inputs());
        assertArrayEquals(expected2.starts(), b.next().starts());
    }

    @Test
    void evaluationWindowsAreTheSameEveryTime() {
        TextSplit s = split(1000);
        assertArrayEquals(TokenBatcher.forEvaluation(s, 2, 8, 5).next().starts(),
                TokenBatcher.forEvaluation(s, 2, 8, 5).next().starts());
    }

    /**
     * Can fail: windows at a stride below T score some bytes twice, a stride above T skips some, and a tail
     * window that scores everything double-counts the overlap with the last full window.
     */
    @ParameterizedTest
    @CsvSource({"98, 4, 16", "95, 4, 16", "15, 3, 16", "16, 3, 16", "998, 5, 7"})
    void coveringWindowsScoreEveryByteButTheFirstExactlyOnce(int text, int batch, int context) {
        TextSplit s = split(text);
        int length = s.length(); // the text and the blank line after it: 100, 97 (96 targets: 6 windows), 17, 18, 1000
        List<TokenBatcher.Batch> batches = TokenBatcher.covering(s, batch, context);
        int[] timesScored = new int[length];
        int windows = 0;
        for (TokenBatcher.Batch b : batches) {
            assertTrue(b.batch() >= 1 && b.batch() <= batch, "windows per batch " + b.batch());
            assertEquals(context, b.context());
            windows += b.batch();
            for (int w = 0; w < b.batch(); w++) {
                int start = b.starts()[w];
                assertTrue(start >= 0 && start + context + 1 <= length, "window in range: " + start);
                for (int t = 0; t < context; t++) {
                    int at = w * context + t;
                    assertEquals(s.bytes()[start + t] & 0xFF, b.inputs()[at]);
                    if (b.targets()[at] != TokenBatcher.UNSCORED) {
                        assertEquals(s.bytes()[start + t + 1] & 0xFF, b.targets()[at]);
                        timesScored[start + t + 1]++;
                    }
                }
            }
        }
        assertEquals(0, timesScored[0], "the first byte has no left context");
        for (int i = 1; i < length; i++) {
            assertEquals(1, timesScored[i], "byte " + i + " of " + length);
        }
        assertEquals((length - 1 + context - 1) / context, windows, "ceil((length - 1) / T) windows");
        assertEquals((windows + batch - 1) / batch, batches.size(), "full batches but the last");
    }

    @Test
    void tooShortSplitIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenBatcher(split(5), 1, 16, new Rng(1)));
        assertTrue(e.getMessage().contains("'train'") && e.getMessage().contains("context + 1 = 17"), e.getMessage());
        IllegalArgumentException whole = assertThrows(IllegalArgumentException.class,
                () -> TokenBatcher.covering(split(14), 1, 16));
        assertTrue(whole.getMessage().contains("context + 1 = 17"), whole.getMessage());
    }
}
