package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LayersTest {

    @Test
    void linearComputesXWTransposePlusBias() {
        Linear lin = new Linear(3, 2, true, new Rng(0));
        lin.weight().set(new float[]{1, 2, 3, 4, 5, 6});   // (2, 3)
        lin.bias().set(new float[]{0.5f, -1});
        Tensor x = Tensor.of(new float[]{1, 0, -1, 2, 1, 0}, 2, 3);
        assertArrayEquals(new float[]{1 - 3 + 0.5f, 4 - 6 - 1, 2 + 2 + 0.5f, 8 + 5 - 1}, lin.forward(x).toArray());
        assertArrayEquals(new int[]{4, 5, 2}, lin.forward(Tensor.zeros(4, 5, 3)).shape());
        var e = assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("[2, 4]"), e.getMessage());
        assertNull(new Linear(3, 2, false, new Rng(0)).bias());
    }

    @Test
    void embeddingLooksUpRowsAndRejectsBadIds() {
        Embedding emb = new Embedding(5, 2, new Rng(0));
        emb.weight().set(new float[]{0, 0, 1, 1, 2, 2, 3, 3, 4, 4});
        Tensor out = emb.forward(new int[]{4, 0, 2, 2}, 2, 2);
        assertArrayEquals(new int[]{2, 2, 2}, out.shape());
        assertArrayEquals(new float[]{4, 4, 0, 0, 2, 2, 2, 2}, out.toArray());
        assertArrayEquals(new int[]{1, 2}, emb.forward(new int[]{3}).shape());
        var e = assertThrows(IndexOutOfBoundsException.class, () -> emb.forward(new int[]{1, 5}));
        assertTrue(e.getMessage().contains("id 5"), e.getMessage());
    }

    @Test
    void normsNormalizeTheLastAxis() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 10, 10, 10, 14}, 2, 4);
        float[] ln = new LayerNorm(4).forward(x).toArray();
        for (int r = 0; r < 2; r++) {
            double mean = 0;
            double sq = 0;
            for (int c = 0; c < 4; c++) {
                mean += ln[r * 4 + c];
                sq += ln[r * 4 + c] * ln[r * 4 + c];
            }
            assertEquals(0, mean / 4, 1e-5);
            assertEquals(1, sq / 4, 1e-3);
        }
        float[] rms = new RmsNorm(4, 1e-6f).forward(x).toArray();
        double sq = 0;
        for (int c = 0; c < 4; c++) {
            sq += rms[c] * rms[c];
        }
        assertEquals(1, sq / 4, 1e-4);
    }

    @Test
    void mlpAndBlockKeepTheShape() {
        Rng rng = new Rng(3);
        Mlp mlp = new Mlp(8, 32, true, rng);
        assertArrayEquals(new int[]{2, 5, 8}, mlp.forward(Tensor.randn(rng, 1f, 2, 5, 8)).shape());
        TransformerBlock block = new TransformerBlock(TransformerBlock.Options.gpt2(8, 2), rng);
        assertArrayEquals(new int[]{2, 5, 8}, block.forward(Tensor.randn(rng, 1f, 2, 5, 8), true, null).shape());
        assertArrayEquals(new int[]{7, 8},
                block.forward(Tensor.randn(rng, 1f, 7, 8), new int[]{0, 3, 7}, true, null).shape());
    }

    @Test
    void batchedAttentionEqualsOneSegmentPerSequence() {
        Rng rng = new Rng(4);
        MultiHeadAttention attn = new MultiHeadAttention(8, 2, true, rng);
        Tensor x = Tensor.randn(rng, 1f, 3, 4, 8);
        float[] batched = attn.forward(x, true, null).toArray();
        float[] rows = attn.forward(x.reshape(12, 8), new int[]{0, 4, 8, 12}, true, null).toArray();
        assertArrayEquals(batched, rows);
        // Each sequence alone gives the same rows: no attention across segments.
        float[] second = attn.forward(x.slice(0, 1, 2).reshape(4, 8), new int[]{0, 4}, true, null).toArray();
        assertArrayEquals(second, Arrays.copyOfRange(rows, 32, 64), 1e-6f);
    }

    @Test
    void causalAttentionIgnoresLaterTokens() {
        Rng rng = new Rng(5);
        TransformerBlock block = new TransformerBlock(TransformerBlock.Options.gpt2(8, 2), rng);
        float[] data = Tensor.randn(rng, 1f, 6, 8).toArray();
        float[] before = block.forward(Tensor.of(data, 6, 8), new int[]{0, 6}, true, null).toArray();
        data[5 * 8 + 3] += 1f; // perturb the last token
        float[] after = block.forward(Tensor.of(data, 6, 8), new int[]{0, 6}, true, null).toArray();
        assertArrayEquals(Arrays.copyOf(before, 40), Arrays.copyOf(after, 40));
        assertFalse(Arrays.equals(Arrays.copyOfRange(before, 40, 48), Arrays.copyOfRange(after, 40, 48)));
    }

    @Test
    void blockHalvesComposeAndCanBeSwitchedOff() {
        Rng rng = new Rng(6);
        TransformerBlock block = new TransformerBlock(TransformerBlock.Options.gpt2(8, 2), rng);
        Tensor h = Tensor.randn(rng, 1f, 5, 8);
        int[] segs = {0, 2, 5};
        assertArrayEquals(block.mlpHalf(block.attentionHalf(h, segs, true, null)).toArray(),
                block.forward(h, segs, true, null).toArray());

        TransformerBlock attnOnly = new TransformerBlock(TransformerBlock.Options.gpt2(8, 2).attentionOnly(), rng);
        TransformerBlock mlpOnly = new TransformerBlock(TransformerBlock.Options.gpt2(8, 2).mlpOnly(), rng);
        assertEquals(List.of("ln1", "attn"), List.copyOf(attnOnly.children().keySet()));
        assertEquals(List.of("ln2", "mlp"), List.copyOf(mlpOnly.children().keySet()));
        assertArrayEquals(attnOnly.attentionHalf(h, segs, true, null).toArray(),
                attnOnly.forward(h, segs, true, null).toArray());
        assertArrayEquals(mlpOnly.mlpHalf(h).toArray(), mlpOnly.forward(h, segs, true, null).toArray());
        assertThrows(IllegalStateException.class, () -> attnOnly.mlpHalf(h));
        assertThrows(IllegalStateException.class, () -> mlpOnly.attentionHalf(h, segs, true, null));
        assertThrows(IllegalArgumentException.class,
                () -> new TransformerBlock.Options(8, 3, 32, true, true, true, 1e-5f, 0f));
    }

    @Test
    void dropoutIsActiveOnlyInTraining() {
        Dropout drop = new Dropout(0.5f, new Rng(1));
        Tensor x = Tensor.ones(1000);
        float[] y = drop.forward(x).toArray();
        int zeros = 0;
        for (float v : y) {
            assertTrue(v == 0f || v == 2f, "dropout output " + v);
            zeros += v == 0f ? 1 : 0;
        }
        assertTrue(zeros > 400 && zeros < 600, zeros + " zeros of 1000");
        drop.eval();
        assertSame(x, drop.forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, new Rng(1)));
    }
}
