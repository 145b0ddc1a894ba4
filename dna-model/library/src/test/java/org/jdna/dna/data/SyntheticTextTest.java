package org.jdna.dna.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SyntheticTextTest {
    @Test
    void deterministicTaggedAndSplitByDocument() {
        TextCorpus a = SyntheticText.generate(50_000, 0.1);
        TextCorpus b = SyntheticText.generate(50_000, 0.1);
        assertArrayEquals(a.train().bytes(), b.train().bytes());
        assertArrayEquals(a.val().tags(), b.val().tags());
        assertTrue(a.train().length() + a.val().length() >= 50_000);
        Set<String> train = new HashSet<>(a.train().docIds());
        for (String id : a.val().docIds()) {
            assertTrue(!train.contains(id), id + " in both splits");
        }
        double valShare = a.val().docIds().size() / (double) (a.val().docIds().size() + a.train().docIds().size());
        assertEquals(0.1, valShare, 0.02);
        assertTrue(a.tags().names().containsAll(java.util.List.of("nn", "nns", "vbz", "vb", "at", ".")));
        for (byte x : a.train().bytes()) {
            assertTrue(x >= 0, "ASCII only");
        }
    }

    @Test
    void singularSubjectsTakeTheSingularVerb() {
        TextCorpus c = SyntheticText.generate(20_000, 0.1);
        String text = c.train().text(0, c.train().length());
        assertTrue(text.contains("The dog") || text.contains("the dog") || text.contains("A dog"));
        assertTrue(!text.contains("dogs sees") && !text.contains("dog see "), "agreement");
    }
}
