package org.jdna.dna.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

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

    @Test
    void tooShortSplitIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenBatcher(split(5), 1, 16, new Rng(1)));
        assertTrue(e.getMessage().contains("'train'") && e.getMessage().contains("context + 1 = 17"), e.getMessage());
    }
}
