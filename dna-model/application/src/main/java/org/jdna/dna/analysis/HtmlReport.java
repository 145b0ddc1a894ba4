package org.jdna.dna.analysis;

import java.util.List;
import java.util.Map;

/**
 * The report as one self-contained HTML page: charts embedded as data URIs (the smaller of PNG at twice the size
 * and SVG; both files are linked), tables, example contexts,
 * the configuration and the training metrics. No scripts and nothing fetched, so it opens offline.
 */
final class HtmlReport {
    private final AnalysisReport r;
    private final EvaluationInputs inputs;
    private final int[] trainedVisits;
    private final Map<String, FigureWriter.Written> figures;
    /** Labels shown per module in the profile tables (analysis.json has all of AnalysisSettings.topPerModule). */
    static final int PROFILE_SHOWN = 3;
    private final StringBuilder out = new StringBuilder(1 << 16);

    /**
     * @param trainedVisits non-identity visits of every token under the trained model, (N)
     * @param figures       written figures by name
     */
    HtmlReport(AnalysisReport r, EvaluationInputs inputs, int[] trainedVisits, Map<String, FigureWriter.Written> figures) {
        this.r = r;
        this.inputs = inputs;
        this.trainedVisits = trainedVisits;
        this.figures = figures;
    }

    String render() {
        head();
        summary();
        paths();
        specialization();
        compute();
        flow();
        residual();
        training();
        method();
        out.append("</main></body></html>\n");
        return out.toString();
    }

    // ------------------------------------------------------------------ page

    private void head() {
        String title = "DNA analysis: " + r.checkpoint();
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(Html.escape(title)).append("</title>\n<style>\n").append(CSS).append("</style></head>\n<body><main>\n")
                .append("<h1>").append(Html.escape(title)).append("</h1>\n<p class=\"sub\">")
                .append(Html.escape(r.task())).append(" model after ").append(r.checkpointStep())
                .append(" steps &middot; evaluation: ").append(Html.escape(r.evaluation())).append("<br>control: ")
                .append(Html.escape(r.control())).append("</p>\n<nav>")
                .append("<a href=\"#paths\">Paths</a><a href=\"#specialization\">Specialization</a>")
                .append("<a href=\"#compute\">Compute</a><a href=\"#flow\">Flow</a><a href=\"#residual\">Residual ratio</a>")
                .append("<a href=\"#training\">Training</a>")
                .append("<a href=\"#method\">Method</a></nav>\n");
    }

    private void figure(String name) {
        FigureWriter.Written w = figures.get(name);
        if (w == null) {
            return;
        }
        out.append("<figure><img alt=\"").append(Html.escape(name)).append("\" width=\"").append(w.figure().width())
                .append("\" src=\"").append(w.dataUri())
                .append("\"><figcaption>").append(Html.escape(w.figure().caption())).append(" <a href=\"charts/")
                .append(name).append(".svg\">SVG</a> &middot; <a href=\"charts/").append(name)
                .append(".png\">PNG</a></figcaption></figure>\n");
    }

    private void row(String label, String trained, String control) {
        out.append("<tr><th>").append(label).append("</th><td>").append(trained).append("</td><td>").append(control)
                .append("</td></tr>\n");
    }

    // ------------------------------------------------------------------ summary

    private void summary() {
        ModelAnalysis t = r.trained();
        ModelAnalysis c = r.randomInit();
        out.append("<h2>Summary</h2>\n");
        out.append("<p class=\"lead\">").append(Html.escape(Verdict.of(r))).append("</p>\n");
        out.append("<table class=\"summary\"><tr><th></th><th>trained</th><th>random init (control)</th></tr>\n");
        row("tokens analysed (" + Html.escape(inputs.unit()) + "s: " + t.tokens() / Math.max(1, t.compute().unitSize())
                + ")", Integer.toString(t.tokens()), Integer.toString(c.tokens()));
        row("distinct paths (seen once)", t.paths().distinct() + " (" + t.paths().singletons() + ")",
                c.paths().distinct() + " (" + c.paths().singletons() + ")");
        row("tokens on the 10 most frequent paths", Html.percent(t.paths().top10Coverage()),
                Html.percent(c.paths().top10Coverage()));
        row("power-law exponent, least squares on log-log (R&sup2;)", exponentLs(t), exponentLs(c));
        row("power-law exponent, Zipf maximum likelihood (&plusmn; s.e.)", exponentMle(t), exponentMle(c));
        for (Specialization.Measurement m : t.specialization().perPath()) {
            Specialization.Measurement tb = best(t, m.label());
            Specialization.Measurement cb = best(c, m.label());
            row("largest MI(module; " + Html.escape(m.label()) + ") over steps, bits [step] (p)", mi(tb), mi(cb));
        }
        row("mean non-identity visits per token (of S&middot;K = " + t.compute().maxPerToken() + ")",
                Html.num(t.compute().meanPerToken(), 3), Html.num(c.compute().meanPerToken(), 3));
        row("mean identity fraction per step", Html.percent(mean(t.flow().identityFraction())),
                Html.percent(mean(c.flow().identityFraction())));
        row("mean effective modules per step (of E = " + t.kinds().size() + ")",
                Html.num(mean(t.flow().effectiveModules()), 2), Html.num(mean(c.flow().effectiveModules()), 2));
        row("modules never used", list(t.flow().neverUsed()), list(c.flow().neverUsed()));
        out.append("</table>\n");
    }

    static Specialization.Measurement best(ModelAnalysis m, String label) {
        Specialization.Measurement best = null;
        for (Specialization.Measurement s : m.specialization().perStep(label)) {
            if (best == null || s.mi().bits() > best.mi().bits()) {
                best = s;
            }
        }
        return best;
    }

    private static String mi(Specialization.Measurement m) {
        return m == null ? "&ndash;" : Html.num(m.mi().bits(), 4) + " [" + (m.step() + 1) + "] (p = "
                + Html.p(m.test().pValue()) + ")";
    }

    private static String exponentLs(ModelAnalysis m) {
        PowerLaw.LogLogFit f = m.paths().leastSquares();
        return Html.num(f.exponent(), 3) + " (" + Html.num(f.rSquared(), 3) + ", " + f.points() + " ranks)";
    }

    private static String exponentMle(ModelAnalysis m) {
        PowerLaw.ZipfFit f = m.paths().maximumLikelihood();
        return Html.num(f.exponent(), 3) + " &plusmn; " + Html.num(f.standardError(), 3);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    private static String list(List<Integer> modules) {
        return modules.isEmpty() ? "none" : modules.toString();
    }

    // ------------------------------------------------------------------ paths

    private void paths() {
        out.append("<h2 id=\"paths\">Paths</h2>\n<p>A token's path is its top-1 module at each of the S = ")
                .append(r.trained().steps()).append(" routed steps. Paths are counted over the evaluation set and"
                        + " ranked by frequency. A straight line on log-log axes is a power law; the DNA paper reports"
                        + " slopes of about &minus;1 (vision) and &minus;1.2 (language), and that a random-init model"
                        + " also gives about &minus;1.</p>\n");
        figure("paths-rank-frequency");
        out.append("<h3>Most frequent paths, trained</h3>\n");
        frequentPaths(r.trained());
        out.append("<details><summary>Most frequent paths, random init</summary>\n");
        frequentPaths(r.randomInit());
        out.append("</details>\n");
    }

    private void frequentPaths(ModelAnalysis m) {
        String label = m.specialization().perPath().isEmpty() ? "label" : m.specialization().perPath().getFirst().label();
        out.append("<table><tr><th>rank</th><th>path</th><th>tokens</th><th>share</th><th>top ")
                .append(Html.escape(label)).append(" (share, lift)</th><th>examples</th></tr>\n");
        for (PathAnalysis.FrequentPath p : m.paths().frequent()) {
            out.append("<tr><td>").append(p.rank()).append("</td><td>").append(pathChips(p.modules(), m.kinds()))
                    .append("</td><td>").append(p.count()).append("</td><td>").append(Html.percent(p.share()))
                    .append("</td><td>").append(shares(p.topLabels())).append("</td><td class=\"examples\">");
            for (PathAnalysis.TokenExample e : p.examples()) {
                out.append(inputs.tokenHtml(e.token())).append(' ');
            }
            out.append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    private static String pathChips(int[] modules, List<String> kinds) {
        StringBuilder sb = new StringBuilder("<span class=\"path\">");
        for (int m : modules) {
            boolean id = kinds.get(m).equals("identity");
            java.awt.Color c = FlowDiagram.color(m, id);
            sb.append("<span class=\"chip\" style=\"background:#").append(String.format("%06x", c.getRGB() & 0xFFFFFF))
                    .append("\" title=\"module ").append(m).append(" (").append(kinds.get(m)).append(")\">").append(m)
                    .append("</span>");
        }
        return sb.append("</span>").toString();
    }

    private static String shares(List<Specialization.Share> shares) {
        StringBuilder sb = new StringBuilder();
        for (Specialization.Share s : shares) {
            sb.append(sb.isEmpty() ? "" : ", ").append("<b>").append(Html.escape(s.name())).append("</b> ")
                    .append(Html.percent(s.fraction())).append(" &times;").append(Html.num(s.lift(), 1));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ specialization

    private void specialization() {
        out.append("<h2 id=\"specialization\">Specialization</h2>\n<p>Mutual information (bits) between the module a"
                + " token chose (top-1) and its label, per step and for the whole path. <i>MM</i>: Miller-Madow"
                + " bias-corrected; <i>null</i>: mean MI of ").append(r.settings().permutations())
                .append(" shuffles of the labels (the estimator's bias when there is no dependence); <i>p</i>: permutation"
                        + " p-value, (1 + shuffles with MI &ge; observed) / (1 + shuffles).</p>\n");
        for (Specialization.Measurement m : r.trained().specialization().perPath()) {
            figure("specialization-mi-" + ReportCharts.slug(m.label()));
            miTable(m.label());
        }
        out.append("<h3>What each module sees, trained</h3>\n");
        profiles(r.trained());
        out.append("<details><summary>What each module sees, random init</summary>\n");
        profiles(r.randomInit());
        out.append("</details>\n");
    }

    private void miTable(String label) {
        out.append("<table class=\"num\"><tr><th rowspan=\"2\">").append(Html.escape(label))
                .append("</th><th colspan=\"4\">trained</th><th colspan=\"4\">random init</th></tr>\n<tr>")
                .append("<th>MI</th><th>MM</th><th>null</th><th>p</th>".repeat(2)).append("</tr>\n");
        List<Specialization.Measurement> t = r.trained().specialization().perStep(label);
        List<Specialization.Measurement> c = r.randomInit().specialization().perStep(label);
        for (int s = 0; s < t.size(); s++) {
            out.append("<tr><th>step ").append(s + 1).append("</th>").append(miCells(t.get(s))).append(miCells(c.get(s)))
                    .append("</tr>\n");
        }
        out.append("<tr><th>whole path</th>").append(miCells(pathMeasure(r.trained(), label)))
                .append(miCells(pathMeasure(r.randomInit(), label))).append("</tr>\n");
        Specialization.Measurement any = t.isEmpty() ? pathMeasure(r.trained(), label) : t.getFirst();
        out.append("</table>\n<p class=\"note\">H(").append(Html.escape(label)).append(") = ")
                .append(Html.num(any.mi().entropyYBits(), 3)).append(" bits over ").append(any.mi().samples())
                .append(" labelled tokens: the most any choice can carry.</p>\n");
    }

    private static Specialization.Measurement pathMeasure(ModelAnalysis m, String label) {
        return m.specialization().perPath().stream().filter(x -> x.label().equals(label)).findFirst().orElseThrow();
    }

    private static String miCells(Specialization.Measurement m) {
        String cls = m.test().pValue() <= 0.01 ? " class=\"sig\"" : "";
        return "<td>" + Html.num(m.mi().bits(), 4) + "</td><td>" + Html.num(m.mi().millerMadowBits(), 4) + "</td><td>"
                + Html.num(m.test().nullMeanBits(), 4) + "</td><td" + cls + ">" + Html.p(m.test().pValue()) + "</td>";
    }

    private void profiles(ModelAnalysis m) {
        List<String> labels = m.specialization().perPath().stream().map(Specialization.Measurement::label).toList();
        out.append("<table><tr><th>step</th><th>module</th><th>kind</th><th>share of tokens</th>");
        for (String l : labels) {
            out.append("<th>top ").append(Html.escape(l)).append(" (share, lift)</th>");
        }
        out.append("</tr>\n");
        for (Specialization.ModuleProfile p : m.specialization().modules()) {
            out.append("<tr><td>").append(p.step() + 1).append("</td><td>")
                    .append(pathChips(new int[]{p.module()}, m.kinds())).append("</td><td>").append(p.kind())
                    .append("</td><td>").append(Html.percent(p.share())).append("</td>");
            for (String l : labels) {
                List<Specialization.Share> top = p.top().getOrDefault(l, List.of());
                out.append("<td>").append(shares(top.subList(0, Math.min(PROFILE_SHOWN, top.size())))).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    // ------------------------------------------------------------------ compute

    private void compute() {
        ComputeAllocation t = r.trained().compute();
        ComputeAllocation c = r.randomInit().compute();
        out.append("<h2 id=\"compute\">Compute allocation</h2>\n<p>Non-identity module visits: of the S&middot;K = ")
                .append(t.maxPerToken()).append(" routes of a token, how many went to a module that computes. Trained: ")
                .append(Html.num(t.meanPerToken(), 3)).append(" &plusmn; ").append(Html.num(t.stdPerToken(), 3))
                .append(" per token; random init: ").append(Html.num(c.meanPerToken(), 3)).append(" &plusmn; ")
                .append(Html.num(c.stdPerToken(), 3)).append(".</p>\n");
        figure("compute-per-token");
        if (t.unitSize() > 1) {
            figure("compute-per-" + t.unit());
        }
        if (!r.trained().specialization().perPath().isEmpty()) {
            figure("compute-by-" + ReportCharts.slug(r.trained().specialization().perPath().getFirst().label()));
        }
        int lo = Integer.MAX_VALUE, hi = 0;
        for (int v : trainedVisits) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        out.append("<h3>Overview, trained</h3>\n<p class=\"note\">Shading: white = ").append(lo)
                .append(" visits (the fewest any token got), darkest red = ").append(hi).append(" visits.</p>\n")
                .append(inputs.overviewHtml(trainedVisits, lo, hi));
        out.append("<h3>Most compute, trained</h3>\n");
        units(t.most(), lo, hi);
        out.append("<h3>Least compute, trained</h3>\n");
        units(t.least(), lo, hi);
    }

    private void units(List<ComputeAllocation.UnitExample> examples, int lo, int hi) {
        if (inputs.unitSize() > 1) { // images: a row of thumbnails
            out.append("<div class=\"thumbs\">");
            for (ComputeAllocation.UnitExample e : examples) {
                out.append("<div>").append(inputs.unitHtml(e.unit(), trainedVisits, lo, hi)).append("<div class=\"note\">")
                        .append(e.visits()).append(" visits</div></div>");
            }
            out.append("</div>\n");
            return;
        }
        out.append("<table><tr><th>").append(Html.escape(inputs.unit())).append("</th><th>visits</th><th>in context</th></tr>\n");
        for (ComputeAllocation.UnitExample e : examples) {
            out.append("<tr><td>").append(e.unit()).append("</td><td>").append(e.visits()).append("</td><td>")
                    .append(inputs.unitHtml(e.unit(), trainedVisits, lo, hi)).append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    // ------------------------------------------------------------------ flow

    private void flow() {
        out.append("<h2 id=\"flow\">Flow</h2>\n");
        figure("flow-diagram-trained");
        figure("flow-usage-trained");
        figure("flow-effective-modules");
        figure("flow-identity-fraction");
        Flow t = r.trained().flow();
        Flow c = r.randomInit().flow();
        out.append("<table class=\"num\"><tr><th rowspan=\"2\">step</th><th colspan=\"3\">trained</th>"
                + "<th colspan=\"3\">random init</th></tr>\n<tr>")
                .append("<th>effective modules</th><th>identity</th><th>unused modules</th>".repeat(2)).append("</tr>\n");
        for (int s = 0; s < t.effectiveModules().length; s++) {
            out.append("<tr><th>").append(s + 1).append("</th><td>").append(Html.num(t.effectiveModules()[s], 2))
                    .append("</td><td>").append(Html.percent(t.identityFraction()[s])).append("</td><td>")
                    .append(list(t.unusedPerStep().get(s))).append("</td><td>").append(Html.num(c.effectiveModules()[s], 2))
                    .append("</td><td>").append(Html.percent(c.identityFraction()[s])).append("</td><td>")
                    .append(list(c.unusedPerStep().get(s))).append("</td></tr>\n");
        }
        out.append("</table>\n<details><summary>Random init: flow diagram and usage</summary>\n");
        figure("flow-diagram-random-init");
        figure("flow-usage-random-init");
        out.append("</details>\n");
    }

    // ------------------------------------------------------------------ residual ratio

    private void residual() {
        out.append("<h2 id=\"residual\">Residual ratio</h2>\n");
        ResidualSummary res = r.residual();
        if (res == null) {
            out.append("<p class=\"note\">Not measured for this report (<code>jdna profile CHECKPOINT</code> measures"
                    + " it on its own).</p>\n");
            return;
        }
        out.append("<p>For every block visit of every token: |f(x)| / |x + f(x)|, with x the block's input and x + f(x)"
                + " its output (Radial Networks' measurement; a small ratio means the block barely changes the token,"
                + " so it could be skipped). Over ").append(res.tokens()).append(" tokens of ")
                .append(Html.escape(res.evaluation())).append(": overall median <b>")
                .append(String.format(java.util.Locale.ROOT, "%.4f", res.overallMedian())).append("</b>.</p>\n");
        figure("residual-ratio-median");
        figure("residual-ratio-histogram");
        residualTable("layer", res.layers());
        if (!res.modules().isEmpty()) {
            out.append("<details><summary>Per pool module</summary>\n");
            residualTable("module", res.modules());
            out.append("</details>\n");
        }
    }

    private void residualTable(String what, Map<String, org.jdna.dna.radial.ResidualProfile.Summary> rows) {
        out.append("<table class=\"num\"><tr><th>").append(what)
                .append("</th><th>visits</th><th>median</th><th>mean</th><th>p10</th><th>p90</th></tr>\n");
        rows.forEach((name, s) -> out.append("<tr><th>").append(Html.escape(name)).append("</th><td>").append(s.count())
                .append("</td><td>").append(Html.num(s.median(), 4)).append("</td><td>").append(Html.num(s.mean(), 4))
                .append("</td><td>").append(Html.num(s.p10(), 4)).append("</td><td>").append(Html.num(s.p90(), 4))
                .append("</td></tr>\n"));
        out.append("</table>\n");
    }

    // ------------------------------------------------------------------ training, config, method

    private void training() {
        out.append("<h2 id=\"training\">Training</h2>\n");
        if (!r.checkpointMetrics().isEmpty()) {
            out.append("<h3>Saved with the checkpoint</h3>\n<table class=\"num\">");
            new java.util.TreeMap<>(r.checkpointMetrics()).forEach((k, v) -> out.append("<tr><th>")
                    .append(Html.escape(k)).append("</th><td>").append(Html.metric(v)).append("</td></tr>\n"));
            out.append("</table>\n");
        }
        TrainingMetrics m = r.training();
        if (m.file() == null) {
            out.append("<p class=\"note\">No metrics.jsonl beside the checkpoint.</p>\n");
        } else {
            figure("training-metrics");
            figure("training-accuracy");
            out.append("<h3>Last record of ").append(Html.escape(m.file())).append("</h3>\n<table class=\"num\">");
            m.last().forEach((k, v) -> out.append("<tr><th>").append(Html.escape(k)).append("</th><td>")
                    .append(Html.value(v)).append("</td></tr>\n"));
            out.append("</table>\n");
        }
        out.append("<details><summary>Configuration of the run</summary><pre>")
                .append(Html.escape(r.config() == null ? "(none)" : r.config().toPrettyString())).append("</pre></details>\n");
    }

    private void method() {
        out.append("<h2 id=\"method\">Method</h2>\n<ul>")
                .append("<li><b>Control.</b> ").append(Html.escape(r.control())).append(". Both models route exactly"
                        + " the same tokens.</li>")
                .append("<li><b>Paths.</b> Top-1 module per routed step. Least squares: ln(count) on ln(rank) over ranks"
                        + " seen at least ").append(r.trained().paths().leastSquares().minCount()).append(" times (paths"
                        + " seen once form a plateau of arbitrary order). Maximum likelihood: a Zipf law on ranks 1..n"
                        + " (n = distinct paths), P(r) = r<sup>&minus;s</sup>/H(n,s), solved by bisection on the"
                        + " likelihood equation; s.e. from the Fisher information. Both understate the exponent when most"
                        + " paths are rare: compare trained and control at the same number of tokens.</li>")
                .append("<li><b>Mutual information.</b> Plug-in estimate from the joint counts, in bits; Miller-Madow"
                        + " subtracts the first-order bias (cells &minus; rows &minus; columns + 1)/(2N ln 2). Permutation"
                        + " test: the labels are shuffled ").append(r.settings().permutations()).append(" times (seed ")
                .append(r.settings().seed()).append("), p = (1 + hits)/(1 + shuffles), so the smallest reachable p is ")
                .append(Html.p(1.0 / (1 + r.settings().permutations()))).append(".</li>")
                .append("<li><b>Compute.</b> A visit is one of the K choices of a token at a step going to a module that"
                        + " is not identity.</li>")
                .append("<li><b>Flow.</b> Usage counts all K choices; the effective number of modules is exp of the"
                        + " entropy (nats) of the usage; the flow diagram follows the top-1 choice.</li>")
                .append("<li><b>Files.</b> Every number is in <code>analysis.json</code>; every chart is in"
                        + " <code>charts/</code> as SVG and PNG.</li></ul>\n");
    }

    static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222;background:#fafafa;margin:0}
            main{max-width:1120px;margin:0 auto;padding:16px 28px 60px;background:#fff}
            h1{font-size:1.6em;margin:.4em 0 .1em}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:2em}
            .sub{color:#555;margin-top:0}.lead{font-size:1.05em;background:#f2f6fb;border-left:4px solid #1f77b4;padding:8px 12px}
            nav a{margin-right:14px}nav{margin:10px 0 4px}
            table{border-collapse:collapse;margin:10px 0;font-size:.9em}th,td{border:1px solid #ddd;padding:4px 8px;vertical-align:top}
            th{background:#f4f4f4;text-align:left;font-weight:600}table.num td{text-align:right;font-variant-numeric:tabular-nums}
            table.summary td{text-align:right;font-variant-numeric:tabular-nums}td.sig{color:#0a7a22;font-weight:600}
            figure{margin:14px 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
            figcaption{font-size:.85em;color:#555}.note{font-size:.85em;color:#555}
            .path{white-space:nowrap}.chip{display:inline-block;min-width:1.4em;text-align:center;color:#fff;border-radius:3px;margin-right:2px;font-size:.85em;padding:0 2px}
            .ctx{font-family:"DejaVu Sans Mono",monospace;white-space:pre;font-size:.85em;background:#f7f7f7;padding:1px 4px;display:inline-block;margin:1px 0}
            mark{background:#ffd54f}.focus{box-shadow:inset 0 -3px 0 #111}
            .heat{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;white-space:pre-wrap;word-break:break-all;line-height:1.5}
            .examples .ctx{display:block}img.thumb{margin:2px;border:1px solid #ccc}
            .thumbs{display:flex;flex-wrap:wrap;gap:8px}figure.thumb{margin:0;text-align:center;font-size:.75em}
            details{margin:10px 0}summary{cursor:pointer;color:#1f4e8c}pre{background:#f7f7f7;padding:10px;overflow:auto;font-size:.8em}
            """;
}
