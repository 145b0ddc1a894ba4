package org.jdna.dna.analysis;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;

/**
 * Renders a {@link Figure} to PNG (Java2D on a BufferedImage) and SVG (VectorGraphics2D, the library XChart's
 * own VectorGraphicsEncoder uses), headless. The same painter draws both, so the two files show the same thing.
 */
public final class FigureWriter {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** PNGs are drawn at this multiple of the figure's size, so they stay sharp on high-density screens. */
    public static final int PNG_SCALE = 2;

    /** The paths of one written figure and the smaller of its two encodings (what the report embeds). */
    public record Written(Figure figure, Path png, Path svg, byte[] embedBytes, String embedType) {
        /** A data URI of the embedded encoding. */
        public String dataUri() {
            return "data:" + embedType + ";base64," + java.util.Base64.getEncoder().encodeToString(embedBytes);
        }
    }

    private FigureWriter() {}

    /** PNG at {@link #PNG_SCALE} times the figure's size. */
    public static byte[] png(Figure f) {
        BufferedImage img = new BufferedImage(f.width() * PNG_SCALE, f.height() * PNG_SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.scale(PNG_SCALE, PNG_SCALE);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, f.width(), f.height());
            f.painter().accept(g);
        } finally {
            g.dispose();
        }
        return Thumbnails.png(img);
    }

    public static byte[] svg(Figure f) {
        VectorGraphics2D g = new VectorGraphics2D();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, f.width(), f.height());
        f.painter().accept(g);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, f.width(), f.height())).writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("FigureWriter: cannot write SVG of " + f.name(), e);
        }
    }

    /** Writes {@code dir/name.png} and {@code dir/name.svg}. */
    public static Written write(Figure f, Path dir) {
        try {
            Files.createDirectories(dir);
            Path png = dir.resolve(f.name() + ".png");
            Path svg = dir.resolve(f.name() + ".svg");
            byte[] pngBytes = png(f);
            byte[] svgBytes = svg(f);
            Files.write(png, pngBytes);
            Files.write(svg, svgBytes);
            // XChart draws text as outlines (large SVG); the flow diagram's translucent bands make a large PNG.
            return svgBytes.length <= pngBytes.length ? new Written(f, png, svg, svgBytes, "image/svg+xml")
                    : new Written(f, png, svg, pngBytes, "image/png");
        } catch (IOException e) {
            throw new UncheckedIOException("FigureWriter: cannot write " + f.name() + " into " + dir, e);
        }
    }
}
