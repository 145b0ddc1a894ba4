package org.jdna.dna.data;

/**
 * Parses one Brown corpus file in form C: paragraphs separated by blank lines, one sentence per
 * tab-indented line, tokens {@code word/tag} separated by spaces. The tag is what follows the LAST
 * slash, so {@code 1-1/2/cd} is the word "1-1/2" tagged {@code cd}.
 */
public final class BrownParser {
    private BrownParser() {}

    public static TaggedDocument parse(String id, String genre, String raw, TagSet tagSet) {
        TaggedTextBuilder out = new TaggedTextBuilder();
        boolean inParagraph = false;
        int lineNo = 0;
        for (String line : raw.split("\n", -1)) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                if (inParagraph) {
                    out.paragraph();
                    inParagraph = false;
                }
                continue;
            }
            inParagraph = true;
            for (String token : trimmed.split("[ \t]+")) {
                int slash = token.lastIndexOf('/');
                if (slash <= 0 || slash == token.length() - 1) {
                    throw new DataUnavailableException("Brown file " + id + " line " + lineNo + ": token '" + token
                            + "' is not word/tag");
                }
                out.word(token.substring(0, slash), tagSet.intern(token.substring(slash + 1)));
            }
        }
        return out.build(id, genre);
    }
}
