package org.jdna.dna.analysis;

import java.nio.file.Path;
import java.util.function.Consumer;

import org.jdna.dna.model.DnaModel;

/**
 * Runs a trained model and its random-init twin over one evaluation set and writes the report: routes of
 * both, {@link ModelAnalysis} of both, then {@link ReportWriter}. Both models must share the architecture
 * (the comparison is only meaningful then) and are put in eval mode.
 */
public final class Analyzer {
    /** The analysis and the files written. */
    public record Result(AnalysisReport report, ReportWriter.Output output) {}

    private Analyzer() {}

    /**
     * @param batch    sequences (or images) per forward pass
     * @param residual the trained model's residual-ratio profile for its section, or null to leave it out
     * @param progress receives one line per stage
     */
    public static Result run(DnaModel trained, DnaModel control, EvaluationInputs inputs, AnalysisSettings settings,
                             Provenance provenance, int batch, ResidualSummary residual, Path out,
                             Consumer<String> progress) {
        if (!trained.config().equals(control.config())) {
            throw new IllegalArgumentException("Analyzer: the control must have the trained model's configuration;"
                    + " got " + control.config() + " vs " + trained.config());
        }
        if (batch < 1) {
            throw new IllegalArgumentException("Analyzer: batch = " + batch + " must be >= 1");
        }
        trained.eval();
        control.eval();
        progress.accept("routing " + inputs.description() + " through the trained model");
        RouteLog trainedRoutes = inputs.route(trained, batch);
        progress.accept("routing the same " + inputs.unit() + "s through the random-init control");
        RouteLog controlRoutes = inputs.route(control, batch);
        progress.accept("measuring paths, specialization (" + settings.permutations() + " permutations per test),"
                + " compute and flow");
        ModelAnalysis t = ModelAnalysis.of("trained", trainedRoutes, inputs, settings);
        ModelAnalysis c = ModelAnalysis.of("random init", controlRoutes, inputs, settings);
        AnalysisReport report = new AnalysisReport(trained.config().task().jsonName(), provenance.checkpoint(),
                provenance.step(), inputs.description(), provenance.control(), settings, provenance.config(),
                provenance.checkpointMetrics(), provenance.training(), t, c, residual);
        progress.accept("writing charts and the report into " + out);
        return new Result(report, ReportWriter.write(report, inputs, trainedRoutes, out));
    }
}
