package org.jdna.dna.analysis;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import org.jdna.dna.config.Pooling;
import org.jdna.dna.config.VisionConfig;
import org.jdna.dna.data.ImageSplit;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.RoutingTrace;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.memory.MemoryScope;

/**
 * A vision evaluation set: the first images of a split. Token n is position n % L of image n / L, L the
 * sequence length (P patches in row-major order, preceded by the class token when pooling = cls).
 *
 * <p>Labelings: {@code class} (the image's label, for every position) and {@code patch position} (where the
 * patch sits, "r,c", or "cls"): the first asks whether modules specialise by what the image shows, the
 * second whether they specialise by place (border patches are mostly background).
 */
public final class ImageInputs implements EvaluationInputs {
    static final int SCALE = 3;
    /** Example patches of the path tables are smaller: several sit in one table cell. */
    static final int EXAMPLE_SCALE = 2;
    static final int OVERVIEW_IMAGES = 12;
    static final String CLS = "cls";

    private final ImageSplit split;
    private final List<String> classNames;
    private final VisionConfig vision;
    private final int images;

    public ImageInputs(ImageSplit split, List<String> classNames, VisionConfig vision, int maxImages) {
        if (split.height() != vision.imageSize() || split.width() != vision.imageSize() || vision.channels() != 1) {
            throw new IllegalArgumentException("ImageInputs: split '" + split.name() + "' has " + split.height() + "x"
                    + split.width() + " grey images; the model expects " + vision.imageSize() + "x"
                    + vision.imageSize() + " with " + vision.channels() + " channel(s)");
        }
        if (maxImages < 1 || split.count() < 1) {
            throw new IllegalArgumentException("ImageInputs: need at least one image (asked for " + maxImages
                    + ", split '" + split.name() + "' has " + split.count() + ")");
        }
        this.split = split;
        this.classNames = List.copyOf(classNames);
        this.vision = vision;
        this.images = Math.min(maxImages, split.count());
    }

    @Override public String unit() { return "image"; }

    @Override public int unitSize() { return vision.sequenceLength(); }

    @Override public int tokens() { return images * unitSize(); }

    public int images() { return images; }

    @Override
    public String description() {
        return "image split '" + split.name() + "': first " + images + " images, " + vision.patches() + " patches of "
                + vision.patchSize() + "x" + vision.patchSize() + (hasCls() ? " + class token" : "") + " each ("
                + tokens() + " positions)";
    }

    private boolean hasCls() { return vision.pooling() == Pooling.CLS; }

    private int side() { return vision.imageSize() / vision.patchSize(); }

    /** Patch index of a position (row-major), or -1 for the class token. */
    int patchOf(int token) {
        int p = token % unitSize();
        return hasCls() ? p - 1 : p;
    }

    @Override
    public List<Labeling> labelings() {
        int n = tokens();
        int[] label = new int[n];
        int[] position = new int[n];
        for (int t = 0; t < n; t++) {
            label[t] = split.label(t / unitSize());
            position[t] = t % unitSize();
        }
        List<String> positions = new ArrayList<>();
        for (int p = 0; p < unitSize(); p++) {
            int patch = hasCls() ? p - 1 : p;
            positions.add(patch < 0 ? CLS : (patch / side()) + "," + (patch % side()));
        }
        return List.of(new Labeling("class", label, classNames), new Labeling("patch position", position, positions));
    }

    private String className(int image) {
        int label = split.label(image);
        return label < classNames.size() ? classNames.get(label) : "class " + label;
    }

    @Override
    public String tokenContext(int token) {
        int image = token / unitSize();
        int patch = patchOf(token);
        return "image " + image + " (" + className(image) + "), "
                + (patch < 0 ? "class token" : "patch row " + patch / side() + " col " + patch % side());
    }

    @Override
    public String unitContext(int unit) {
        return "image " + unit + " (" + className(unit) + ")";
    }

    @Override
    public String tokenHtml(int token) {
        int image = token / unitSize();
        int patch = patchOf(token);
        BufferedImage img = Thumbnails.grey(split.pixels(), image, split.height(), split.width(), EXAMPLE_SCALE);
        if (patch >= 0) {
            Thumbnails.outline(img, patch / side(), patch % side(), vision.patchSize(), EXAMPLE_SCALE);
        }
        return "<img class=\"thumb\" src=\"" + Thumbnails.dataUri(img) + "\" title=\""
                + Html.escape(tokenContext(token)) + "\" alt=\"" + Html.escape(tokenContext(token)) + "\">";
    }

    @Override
    public String unitHtml(int unit, int[] visitsPerToken, int lo, int hi) {
        BufferedImage img = Thumbnails.grey(split.pixels(), unit, split.height(), split.width(), SCALE);
        double[] levels = new double[vision.patches()];
        for (int p = 0; p < unitSize(); p++) {
            int patch = hasCls() ? p - 1 : p;
            if (patch >= 0) {
                int v = visitsPerToken[unit * unitSize() + p];
                levels[patch] = hi <= lo ? 1 : Math.clamp((v - lo) / (double) (hi - lo), 0.0, 1.0);
            }
        }
        Thumbnails.shade(img, levels, side(), vision.patchSize(), SCALE);
        return "<figure class=\"thumb\"><img src=\"" + Thumbnails.dataUri(img) + "\" alt=\""
                + Html.escape(unitContext(unit)) + "\"><figcaption>" + Html.escape(unitContext(unit))
                + "</figcaption></figure>";
    }

    @Override
    public String overviewHtml(int[] visitsPerToken, int lo, int hi) {
        StringBuilder sb = new StringBuilder("<div class=\"thumbs\">");
        int shown = Math.min(OVERVIEW_IMAGES, images);
        for (int i = 0; i < shown; i++) {
            sb.append(unitHtml((int) ((long) i * images / shown), visitsPerToken, lo, hi));
        }
        return sb.append("</div>\n").toString();
    }

    @Override
    @SuppressWarnings("try") // the scopes are only closed
    public RouteLog route(DnaModel model, int batch) {
        if (!vision.equals(model.config().vision())) {
            throw new IllegalArgumentException("ImageInputs: built for " + vision + " but the model has "
                    + model.config().vision());
        }
        int px = split.height() * split.width();
        List<RoutingTrace> traces = new ArrayList<>();
        try (var ignored = GradMode.disabled()) {
            for (int first = 0; first < images; first += batch) {
                int b = Math.min(batch, images - first);
                float[] pixels = new float[b * px];
                for (int i = 0; i < b * px; i++) {
                    pixels[i] = (split.pixels()[first * px + i] & 0xFF) / 255f;
                }
                try (MemoryScope scope = MemoryScope.open()) {     // the trace is host data: nothing to keep
                    traces.add(model.forwardImages(pixels, b).trace());
                }
            }
        }
        return RouteLog.of(traces);
    }
}
