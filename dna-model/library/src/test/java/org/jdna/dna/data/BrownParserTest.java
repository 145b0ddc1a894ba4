package org.jdna.dna.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BrownParserTest {
    static final String SAMPLE = """


            \tThe/at Fulton/np-tl jury/nn said/vbd ,/, ``/`` no/at evidence/nn ''/'' ./.
            \tIt/pps cost/vbd 1-1/2/cd dollars/nns (/( net/jj )/) ./.


            \tDid/dod n't/* they/ppss ?/.
            """;

    @Test
    void detokenisesAndKeepsATagForEveryByte() {
        TagSet tags = new TagSet();
        TaggedDocument d = BrownParser.parse("ca01", "a", SAMPLE, tags);
        String text = new String(d.text(), StandardCharsets.ISO_8859_1);
        assertEquals("The Fulton jury said, \"no evidence\". It cost 1-1/2 dollars (net).\nDid n't they?", text);
        assertEquals(d.text().length, d.tags().length);
        assertTag(d, tags, text, "Fulton", "np-tl");
        assertTag(d, tags, text, "1-1/2", "cd");
        assertTag(d, tags, text, "dollars", "nns");
        assertTag(d, tags, text, "net", "jj");
        int space = text.indexOf(' ');
        assertEquals(TagSet.NONE, d.tags()[space]);
        assertEquals(TagSet.NONE, d.tags()[text.indexOf('\n')]);
        assertEquals("``", tags.name(d.tags()[text.indexOf('"')]));
    }

    @Test
    void malformedTokenNamesFileAndLine() {
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> BrownParser.parse("cx07", "x", "\n\tgood/jj bad\n", new TagSet()));
        assertTrue(e.getMessage().contains("cx07 line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("'bad'"), e.getMessage());
    }

    @Test
    void universalTags() {
        assertEquals("NOUN", TagSet.universal("nn-tl"));
        assertEquals("NOUN", TagSet.universal("np$"));
        assertEquals("NOUN", TagSet.universal("fw-nn"));
        assertEquals("VERB", TagSet.universal("vbd"));
        assertEquals("VERB", TagSet.universal("bedz*"));
        assertEquals("VERB", TagSet.universal("md"));
        assertEquals("PRON", TagSet.universal("ppss+bem"));
        assertEquals("DET", TagSet.universal("at"));
        assertEquals("ADP", TagSet.universal("in-hl"));
        assertEquals("ADJ", TagSet.universal("jjr"));
        assertEquals("ADV", TagSet.universal("rb"));
        assertEquals("CONJ", TagSet.universal("cc"));
        assertEquals("NUM", TagSet.universal("cd"));
        assertEquals("PRT", TagSet.universal("to"));
        assertEquals(".", TagSet.universal("``"));
        assertEquals(".", TagSet.universal("--"));
        assertEquals("X", TagSet.universal("uh"));
        assertEquals("_", TagSet.universal(TagSet.NONE_NAME));
        TagSet t = new TagSet();
        assertEquals(TagSet.UNIVERSAL.indexOf("VERB"), t.universal(t.intern("vbz")));
    }

    private static void assertTag(TaggedDocument d, TagSet tags, String text, String word, String tag) {
        int at = text.indexOf(word);
        assertTrue(at >= 0, word);
        for (int i = at; i < at + word.length(); i++) {
            assertEquals(tag, tags.name(d.tags()[i]), "tag of byte " + i + " in '" + word + "'");
        }
    }
}
