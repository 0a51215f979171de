/**
 * Graph rewrites with numeric certificates, and the pass manager.
 *
 * <p>How a caller (the CLI's {@code convert}) runs the pipeline for one target:
 * <pre>{@code
 * TargetProfile profile = exporter.profile(options);                       // what the target runs
 * List<String> pipeline = Pipelines.forTarget(passesFlag, profile, geluFlag); // --passes + legalization
 * Graph g = loaded.graph().copy();                                          // per target; shares tensors
 * PassReport report = new PassManager().run(g, pipeline,
 *         PassContext.of(profile).withGelu(geluFlag).withLog(log::info), checkPasses);
 * exporter.check(g, options);
 * }</pre>
 * {@code --passes} is {@code default}, {@code none} or {@code P1,P2,...}; {@code none} still runs
 * the target's legalization (see {@link dev.formwork.passes.Pipelines}). {@code --check-passes}
 * (or {@code --verify}) sets {@code checkPasses}: each pass gets a certificate, its max output
 * error relative to max|output| on a seeded gaussian input. {@link dev.formwork.passes.PassReport#toMap}
 * is the JSON shape for {@code --report}; {@link dev.formwork.passes.PassRegistry#standard} and
 * {@link dev.formwork.passes.Pipelines#DEFAULT} (with the reason for each position) are what
 * {@code formwork passes} lists.
 *
 * <p>Each pass is one class with a doc comment saying what it rewrites and why the outputs do
 * not change; {@link dev.formwork.passes.Rewriter} holds the shared local-edit machinery (names
 * kept, weights staged under their checkpoint keys, counts) and {@link dev.formwork.passes.Weights}
 * the constant-tensor helpers. NHWC layout for TFLite is {@code dev.formwork.passes.layout}, a
 * graph-to-graph function run after the pipeline.
 *
 * <p>Graphs from another exporter (an imported torch.onnx file) spell some IR ops out: the
 * {@code recover-*} passes, {@code fold-conv-affine} and {@code cancel-data-movement} run early in
 * the default pipeline and turn those decompositions back into Gelu, LayerNorm, Linear and folded
 * Convs where that is exact ({@link dev.formwork.passes.Patterns} holds their matching helpers),
 * so the passes after them see the graph the zoo builds; on zoo graphs they find nothing.
 */
package dev.formwork.passes;
