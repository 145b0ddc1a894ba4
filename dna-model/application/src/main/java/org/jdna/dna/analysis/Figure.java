package org.jdna.dna.analysis;

import java.awt.Graphics2D;
import java.util.function.Consumer;

import org.knowm.xchart.internal.chartpart.Chart;

/**
 * A drawing of fixed size that can be saved as PNG and SVG ({@link FigureWriter}): an XChart chart or a
 * custom Java2D painter (the flow diagram).
 *
 * @param name    file stem ("paths-rank-frequency")
 * @param caption what the figure shows, under it in the report
 * @param width   pixels
 * @param height  pixels
 * @param painter draws onto a Graphics2D of that size
 */
public record Figure(String name, String caption, int width, int height, Consumer<Graphics2D> painter) {
    public static Figure of(String name, String caption, Chart<?, ?> chart) {
        return new Figure(name, caption, chart.getWidth(), chart.getHeight(),
                g -> chart.paint(g, chart.getWidth(), chart.getHeight()));
    }
}
