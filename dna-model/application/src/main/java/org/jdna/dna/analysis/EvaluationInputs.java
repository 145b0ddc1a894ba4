package org.jdna.dna.analysis;

import java.util.List;

import org.jdna.dna.model.DnaModel;

/**
 * The evaluation set of an analysis: runs a model over it, labels its tokens, and shows any token or unit
 * in context. Token n is position n % T of sequence (or image) n / T, in batch order.
 */
public interface EvaluationInputs {
    /** "token" (language) or "image" (vision). */
    String unit();

    /** Positions per unit: 1 for language, the sequence length for vision. */
    int unitSize();

    /** N, positions the model routes over the whole set. */
    int tokens();

    /** What the set is, for the report ("brown val, 64 windows of 128 bytes"). */
    String description();

    /** The labels to measure specialisation against; the first is the primary one (tag, class). */
    List<Labeling> labelings();

    /** Plain-text context of a token (JSON, tables). */
    String tokenContext(int token);

    /** Plain-text description of a unit. */
    String unitContext(int unit);

    /** HTML fragment showing a token in context (escaped; no scripts). */
    String tokenHtml(int token);

    /** HTML fragment showing a unit with each position shaded by its visits: lightest at {@code lo}, darkest at {@code hi}. */
    String unitHtml(int unit, int[] visitsPerToken, int lo, int hi);

    /** HTML overview of compute over the set (text or images shaded by visits, lightest at lo, darkest at hi). */
    String overviewHtml(int[] visitsPerToken, int lo, int hi);

    /** Runs the model over the whole set in batches of {@code batch} sequences/images: the routes of every token. */
    RouteLog route(DnaModel model, int batch);
}
