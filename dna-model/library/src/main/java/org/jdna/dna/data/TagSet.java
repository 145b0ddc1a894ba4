package org.jdna.dna.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The part-of-speech tags of a corpus (Brown tags such as {@code nn}, {@code vbd}, {@code np-tl}),
 * numbered in order of first appearance. Id 0 is {@link #NONE}: the tag of spaces and line breaks.
 * {@link #universal} maps a Brown tag to one of the twelve universal tags (Petrov et al. 2012), the
 * coarse scale at which module specialisation is measured.
 */
public final class TagSet {
    public static final short NONE = 0;
    public static final String NONE_NAME = "_";
    public static final List<String> UNIVERSAL = List.of("_", ".", "NOUN", "VERB", "ADJ", "ADV", "PRON", "DET",
            "ADP", "NUM", "CONJ", "PRT", "X");

    private final List<String> names = new ArrayList<>(List.of(NONE_NAME));
    private final Map<String, Short> ids = new HashMap<>(Map.of(NONE_NAME, NONE));

    /** The id of a tag, adding it if new. */
    public short intern(String tag) {
        Short id = ids.get(tag);
        if (id != null) {
            return id;
        }
        if (names.size() >= Short.MAX_VALUE) {
            throw new IllegalStateException("TagSet: more than " + Short.MAX_VALUE + " distinct tags");
        }
        short next = (short) names.size();
        names.add(tag);
        ids.put(tag, next);
        return next;
    }

    public String name(int id) { return names.get(id); }

    public int size() { return names.size(); }

    public List<String> names() { return List.copyOf(names); }

    /** Index into {@link #UNIVERSAL} of a tag id (0 for NONE). */
    public int universal(int id) {
        return UNIVERSAL.indexOf(universal(names.get(id)));
    }

    /** The universal tag of a Brown tag: strips title/headline/foreign markers, keeps the first part of a contraction. */
    public static String universal(String brownTag) {
        if (brownTag.equals(NONE_NAME)) {
            return NONE_NAME;
        }
        String t = brownTag;
        if (t.startsWith("fw-")) {
            t = t.substring(3);
        }
        for (String suffix : List.of("-tl", "-hl", "-nc")) {
            while (t.endsWith(suffix)) {
                t = t.substring(0, t.length() - suffix.length());
            }
        }
        int plus = t.indexOf('+');
        if (plus > 0) {
            t = t.substring(0, plus);
        }
        t = t.replace("*", "").replace("$", "");
        if (t.isEmpty() || !Character.isLetter(t.charAt(0))) {
            return ".";
        }
        if (t.startsWith("nn") || t.startsWith("np") || t.startsWith("nr")) return "NOUN";
        if (t.startsWith("vb") || t.startsWith("be") || t.startsWith("do") || t.startsWith("hv") || t.startsWith("md")) {
            return "VERB";
        }
        if (t.startsWith("jj") || t.equals("od")) return "ADJ";
        if (t.startsWith("rb") || t.equals("wrb") || t.startsWith("ql") || t.equals("rn")) return "ADV";
        if (t.startsWith("pp") || t.startsWith("wp") || t.equals("ex")) return "PRON";
        if (t.equals("at") || t.startsWith("dt") || t.equals("ap") || t.startsWith("ab") || t.equals("wdt")) return "DET";
        if (t.equals("in")) return "ADP";
        if (t.equals("cc") || t.equals("cs")) return "CONJ";
        if (t.equals("cd")) return "NUM";
        if (t.equals("to") || t.equals("rp")) return "PRT";
        return "X";
    }
}
