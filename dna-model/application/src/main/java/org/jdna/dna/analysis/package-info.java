/**
 * The analysis of a trained DNA (docs/method.md section 5) against the same architecture at random initialisation:
 * paths and their power law, specialization measured as mutual information with part-of-speech tags or class
 * labels (with permutation tests), compute allocation, and flow through the module pool.
 *
 * <p>Reading order, the way data flows:
 * <ol>
 *   <li>{@link org.jdna.dna.analysis.EvaluationInputs} ({@link org.jdna.dna.analysis.TextInputs},
 *       {@link org.jdna.dna.analysis.ImageInputs}): the evaluation set; runs a model over it into a
 *       {@link org.jdna.dna.analysis.RouteLog} (every routing decision, token by token) and labels its tokens
 *       ({@link org.jdna.dna.analysis.Labeling});</li>
 *   <li>the measurements, each a small class tested with known answers: {@link org.jdna.dna.analysis.PathCounts}
 *       and {@link org.jdna.dna.analysis.PowerLaw} (least squares on log-log, Zipf maximum likelihood),
 *       {@link org.jdna.dna.analysis.MutualInformation} and {@link org.jdna.dna.analysis.PermutationTest},
 *       {@link org.jdna.dna.analysis.Specialization}, {@link org.jdna.dna.analysis.ComputeAllocation},
 *       {@link org.jdna.dna.analysis.Flow}, gathered per model in {@link org.jdna.dna.analysis.ModelAnalysis};</li>
 *   <li>the output: {@link org.jdna.dna.analysis.ReportCharts} and {@link org.jdna.dna.analysis.FlowDiagram}
 *       draw {@link org.jdna.dna.analysis.Figure}s that {@link org.jdna.dna.analysis.FigureWriter} saves as PNG
 *       and SVG (XChart, headless); {@link org.jdna.dna.analysis.ReportWriter} writes report.html (one
 *       self-contained file) and analysis.json (every number).</li>
 * </ol>
 * {@link org.jdna.dna.analysis.Analyzer} runs the whole chain for a model and its random-init twin; the
 * {@code jdna analyze} command builds both from a checkpoint.
 */
package org.jdna.dna.analysis;
