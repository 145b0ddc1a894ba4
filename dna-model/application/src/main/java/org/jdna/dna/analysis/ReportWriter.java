package org.jdna.dna.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Writes an analysis to a folder: {@code report.html} (self-contained), {@code analysis.json} (every number) and
 * {@code charts/*.png|svg}.
 */
public final class ReportWriter {
    public static final String HTML = "report.html";
    public static final String JSON = "analysis.json";
    public static final String CHARTS = "charts";
    /** NaN and infinities as strings ("NaN"), as the metrics log does, so the file stays valid JSON. */
    static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonGenerator.Feature.QUOTE_NON_NUMERIC_NUMBERS).build();

    /** What was written. */
    public record Output(Path html, Path json, List<Path> charts) {}

    private ReportWriter() {}

    /**
     * @param trainedRoutes the trained model's routes over {@code inputs} (for the per-token compute views)
     */
    public static Output write(AnalysisReport report, EvaluationInputs inputs, RouteLog trainedRoutes, Path dir) {
        try {
            Files.createDirectories(dir);
            Path chartDir = dir.resolve(CHARTS);
            Map<String, FigureWriter.Written> figures = new LinkedHashMap<>();
            List<Path> charts = new ArrayList<>();
            for (Figure f : ReportCharts.all(report)) {
                FigureWriter.Written w = FigureWriter.write(f, chartDir);
                figures.put(f.name(), w);
                charts.add(w.png());
                charts.add(w.svg());
            }
            Path json = dir.resolve(JSON);
            Files.write(json, MAPPER.writeValueAsBytes(report));
            int[] visits = new int[trainedRoutes.tokens()];
            for (int t = 0; t < visits.length; t++) {
                visits[t] = trainedRoutes.computeVisits(t);
            }
            Path html = dir.resolve(HTML);
            Files.writeString(html, new HtmlReport(report, inputs, visits, figures).render(), StandardCharsets.UTF_8);
            return new Output(html, json, charts);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the analysis report into " + dir + ": " + e.getMessage(), e);
        }
    }
}
