package org.jdna.dna.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jdna.dna.config.Pooling;
import org.jdna.dna.config.VisionConfig;
import org.jdna.dna.data.ImageSplit;
import org.jdna.dna.data.TagSet;
import org.jdna.dna.data.TextSplit;
import org.junit.jupiter.api.Test;

class EvaluationInputsTest {
    /** "the cat sat" with tags at, nn, vbd on the words and NONE on the spaces, repeated. */
    static TextSplit text(TagSet tags, int repeats) {
        String unit = "the cat sat\n";
        byte[] bytes = unit.repeat(repeats).getBytes(StandardCharsets.US_ASCII);
        short[] t = new short[bytes.length];
        short at = tags.intern("at"), nn = tags.intern("nn"), vbd = tags.intern("vbd");
        for (int i = 0; i < bytes.length; i++) {
            int k = i % unit.length();
            t[i] = k < 3 ? at : k == 3 ? TagSet.NONE : k < 7 ? nn : k == 7 ? TagSet.NONE : k < 11 ? vbd : TagSet.NONE;
        }
        return new TextSplit("val", bytes, t, new int[]{0}, List.of("doc"));
    }

    @Test
    void textWindowsAreNonOverlappingAndSpreadOverTheSplit() {
        TagSet tags = new TagSet();
        TextSplit split = text(tags, 100); // 1200 bytes
        TextInputs in = new TextInputs(split, tags, 12, 120);
        assertEquals(10, in.windows());
        assertEquals(120, in.tokens());
        assertEquals(0, in.offset(0));
        assertEquals((1200 - 12) / 9, in.offset(12), "second window starts one stride in");
        assertEquals(1200 - 12 + 11 - (1200 - 12) % 9, in.offset(119));
        // More tokens than the split holds: as many whole windows as fit.
        assertEquals(100, new TextInputs(split, tags, 12, 1_000_000).windows());
        assertThrows(IllegalArgumentException.class, () -> new TextInputs(split, tags, 2000, 10));
    }

    @Test
    void textLabelsAreUniversalTagsWithSpacesLeftOutOfWordTags() {
        TagSet tags = new TagSet();
        TextInputs in = new TextInputs(text(tags, 10), tags, 12, 12);
        List<Labeling> l = in.labelings();
        assertEquals(List.of("tag", "word tag", "byte"), l.stream().map(Labeling::name).toList());
        Labeling tag = l.get(0);
        assertEquals("DET", tag.classes().get(tag.values()[0]));
        assertEquals("SPACE", tag.classes().get(tag.values()[3]));
        assertEquals("NOUN", tag.classes().get(tag.values()[4]));
        assertEquals("VERB", tag.classes().get(tag.values()[8]));
        assertEquals(Labeling.EXCLUDED, l.get(1).values()[3]);
        assertEquals(9, l.get(1).labelled());
        assertEquals('c', l.get(2).values()[4]);
        assertEquals("\u2423", TextInputs.byteName(' '));
        assertEquals("\\n", TextInputs.byteName('\n'));
        assertEquals("0x07", TextInputs.byteName(7));
        assertEquals("the [c]at sat\u21b5the ca", in.tokenContext(4).substring(0, 20));
        assertTrue(in.tokenHtml(4).contains("<mark>c</mark>"), in.tokenHtml(4));
    }

    @Test
    void imagePositionsWithAClassTokenFirst() {
        VisionConfig v = new VisionConfig(4, 1, 2, 3, Pooling.CLS); // 2x2 patches + cls = 5 positions
        byte[] pixels = new byte[3 * 16];
        ImageSplit split = new ImageSplit("test", 3, 4, 4, pixels, new byte[]{2, 0, 1});
        ImageInputs in = new ImageInputs(split, List.of("a", "b", "c"), v, 10);
        assertEquals(3, in.images());
        assertEquals(15, in.tokens());
        assertEquals(5, in.unitSize());
        assertEquals(-1, in.patchOf(5));
        assertEquals(3, in.patchOf(9));
        List<Labeling> l = in.labelings();
        assertEquals("c", l.get(0).classes().get(l.get(0).values()[4]));
        assertEquals("a", l.get(0).classes().get(l.get(0).values()[5]));
        assertEquals(List.of("cls", "0,0", "0,1", "1,0", "1,1"), l.get(1).classes());
        assertEquals("image 1 (a), patch row 1 col 1", in.tokenContext(9));
        assertEquals("image 1 (a), class token", in.tokenContext(5));
        assertTrue(in.unitHtml(2, new int[15], 0, 4).contains("data:image/png;base64,"));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageInputs(split, List.of("a"), VisionConfig.fashionMnist(), 1));
    }
}
