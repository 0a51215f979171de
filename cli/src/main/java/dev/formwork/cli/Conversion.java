package dev.formwork.cli;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.exporters.AtomicOutput;
import dev.formwork.exporters.Digests;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Verification;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code convert} run: prepare every target (passes, capability check) before writing any
 * file, then write each artifact atomically, then verify and report.
 */
final class Conversion {
    /** One written artifact and what is known about it. */
    record Written(String target, Path path, long bytes, String sha256, ArtifactInfo info, PassStep.Result passes,
                   boolean fp16, Verification.Result verification) {
        Written withVerification(Verification.Result v) {
            return new Written(target, path, bytes, sha256, info, passes, fp16, v);
        }
    }

    private final ModelSource source;
    private final ExportOptions options;
    private final PassStep passStep;
    private final boolean checkPasses;
    private final Progress progress;
    private java.util.Map<String, Integer> sourceOps;

    Conversion(ModelSource source, ExportOptions options, String passSelection, boolean checkPasses, long seed, Progress progress) {
        this.source = source;
        this.options = options;
        this.passStep = new PassStep(passSelection, options.gelu(), seed);
        this.checkPasses = checkPasses;
        this.progress = progress;
    }

    /**
     * First every target's pipeline and capability check (so an unsupported node in the last
     * target fails before the first file exists), then each target again, written one at a time.
     * Only one rewritten graph is alive at a time: the first round's are dropped, and the second
     * round rebuilds the model per target (deterministic) rather than keep the loaded graph, whose
     * weights would otherwise stay resident beside every rewritten copy. The first target is
     * checked last and its checked graph is the one written, so it needs no rebuild and no
     * second graph is ever held.
     */
    List<Written> run(List<Exporter> exporters, Path outDir, boolean describe) throws IOException {
        PassStep.Result[] checked = new PassStep.Result[exporters.size()];
        Graph loaded = source.take();
        sourceOps = loaded.opHistogram();
        Graph first = null;
        for (int i = exporters.size() - 1; i >= 0; i--) {
            Exporter e = exporters.get(i);
            progress.start("passes for " + e.target() + (checkPasses ? " (with certificates)" : ""));
            PassStep.Result r = passStep.run(loaded, e.profile(options), checkPasses);
            e.check(r.graph(), options);
            for (var entry : r.report().passes()) {
                var approx = entry.result().approximation();
                if (approx != null) {
                    progress.note(String.format("  %s for %s: the requested approximation costs max abs %.3g on the verification input (%.3g of max|output|)",
                            entry.name(), e.target(), approx.maxAbs(), approx.relativeToScale()));
                }
            }
            if (i == 0) first = r.graph();
            checked[i] = new PassStep.Result(null, r.pipeline(), r.report());
            if (i > 0) releaseTargetGraph();
        }
        progress.end();
        loaded = null;
        List<Written> written = new ArrayList<>();
        for (int i = 0; i < exporters.size(); i++) {
            Exporter e = exporters.get(i);
            if (i > 0) progress.start("rebuilding for " + e.target());
            Graph rewritten = i == 0 ? first : passStep.runInPlace(source.take(), e.profile(options)).graph();
            first = null;
            Path dest = outDir.resolve(e.fileName(options.name()));
            write(e, rewritten, dest);
            rewritten = null;
            if (i + 1 < exporters.size()) releaseTargetGraph();
            // Reading the artifact back and hashing it are for the report only (a second pass over
            // every written byte); without --report they are skipped.
            ArtifactInfo info = describe && ArtifactReaders.accepts(dest) ? ArtifactReaders.read(dest) : null;
            String sha = describe ? Digests.sha256(dest) : null;
            written.add(new Written(e.target(), dest, Digests.size(dest), sha, info,
                    checked[i], isFp16(e.target()), null));
        }
        return written;
    }

    private void write(Exporter e, Graph rewritten, Path dest) {
        releaseReplacedWeights();
        progress.start("writing " + dest.getFileName());
        try {
            AtomicOutput.write(dest, tmp -> e.write(rewritten, options, tmp));
        } catch (IOException ex) {
            throw new FormworkException(dest + ": cannot write (" + ex.getMessage() + ")");
        }
        progress.end();
    }

    /**
     * Weights the passes replaced are unreachable now, but their mapped pages stay resident until
     * a collection runs their cleaners; ask for one before the writer needs the room.
     */
    private static void releaseReplacedWeights() {
        System.gc();
    }

    /**
     * A target's rewritten graph, once checked (all but the first) or written, is garbage, but its
     * folded weights stay on the heap and, for a written TFLite target, the finished flatbuffer
     * off the heap (a direct buffer as large as the weights, freed only when a collection runs its
     * cleaner); without a collection now, the next target's pipeline allocates its own weights
     * beside them and the process grows to hold both.
     */
    private static void releaseTargetGraph() {
        System.gc();
    }

    private boolean isFp16(String target) {
        if (options.precision() == ExportOptions.Precision.FP16) return true;
        return target.equals("coreml") && !options.precisionExplicit();
    }

    /** Verifies every artifact in place (replacing the list entries); true when all pass. */
    boolean verify(List<Written> written, long seed, PrintWriter out) {
        boolean image = options.coremlInput().equals("image");
        progress.start("reference interpreter on the verification input");
        Graph graph = source.take();
        NdArray[] tensorRef = Verification.reference(graph, seed);
        NdArray[] imageRef = image ? Verification.imageReference(graph, seed, floats("input_mean"), floats("input_std")) : null;
        graph = null;
        progress.end();
        boolean all = true;
        for (int i = 0; i < written.size(); i++) {
            Written w = written.get(i);
            boolean imageInput = image && w.target().startsWith("coreml");
            NdArray input = imageInput ? imageRef[0] : tensorRef[0];
            NdArray expect = imageInput ? imageRef[2] : tensorRef[1];
            // A Core ML classifier's first output is the class probabilities of the one image.
            if (options.labels() != null && w.target().startsWith("coreml")) expect = probabilities(expect);
            progress.start("verifying " + w.path().getFileName());
            RunOptions ro = RunOptions.defaults().withFp16Compute(w.fp16());
            Verification.Result v = Verification.verify(w.path(), input, expect, w.fp16(), ro);
            progress.end();
            written.set(i, w.withVerification(v));
            out.printf("verify %-12s on %-16s max abs %.3e  max rel %.3e  cosine %.7f  top-1 %d/%d  %s (%s)%n",
                    w.target(), v.runtime(), v.comparison().maxAbs(), v.comparison().maxRel(), v.comparison().cosine(),
                    v.comparison().top1Agree(), v.comparison().rows(), v.passed() ? "PASS" : "FAIL", v.rule());
            all &= v.passed();
        }
        return all;
    }

    /** softmax over the classes of the first (only) batch row, as a [K] array. */
    private static NdArray probabilities(NdArray logits) {
        int k = logits.dim(-1);
        float[] l = logits.data(), p = new float[k];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < k; i++) max = Math.max(max, l[i]);
        for (int i = 0; i < k; i++) sum += Math.exp(l[i] - max);
        for (int i = 0; i < k; i++) p[i] = (float) (Math.exp(l[i] - max) / sum);
        return NdArray.of(new int[] {k}, p);
    }

    private float[] floats(String key) {
        String[] parts = options.metadata().get(key).split(",");
        float[] f = new float[parts.length];
        for (int i = 0; i < parts.length; i++) f[i] = Float.parseFloat(parts[i].trim());
        return f;
    }

    void writeReport(Path file, ConvertCommand.ModelInfo model, List<Written> written) throws IOException {
        Map<String, Object> o = Json.obj();
        o.put("model", model.name());
        o.put("weights", model.weights());
        o.put("formwork_version", options.metadata().get("formwork_version"));
        o.put("source_ops", sourceOps);
        if (model.fileOps() != null) {
            // an .onnx input: its own op table next to each artifact's, the before/after of the cleanup
            Map<String, Object> f = Json.obj();
            f.put("nodes", model.fileOps().values().stream().mapToInt(Integer::intValue).sum());
            f.put("ops", model.fileOps());
            o.put("source_file", f);
        }
        List<Object> arts = new ArrayList<>();
        for (Written w : written) {
            Map<String, Object> a = Json.obj();
            a.put("target", w.target());
            a.put("path", w.path().toString());
            a.put("bytes", w.bytes());
            a.put("sha256", w.sha256());
            a.put("precision", w.fp16() ? "fp16" : "fp32");
            a.put("ops", w.info() == null ? null : w.info().ops());
            a.put("passes", w.passes().toJson());
            if (w.verification() != null) {
                Verification.Result v = w.verification();
                Map<String, Object> vj = Json.obj();
                vj.put("runtime", v.runtime());
                vj.put("max_abs", v.comparison().maxAbs());
                vj.put("max_rel", v.comparison().maxRel());
                vj.put("max_abs_reference", v.comparison().maxAbsReference());
                vj.put("cosine", v.comparison().cosine());
                vj.put("top1_agree", v.comparison().top1Agree());
                vj.put("rows", v.comparison().rows());
                vj.put("rule", v.rule());
                vj.put("passed", v.passed());
                a.put("verification", vj);
            } else {
                a.put("verification", null);
            }
            arts.add(a);
        }
        o.put("artifacts", arts);
        byte[] bytes = (Json.write(o) + "\n").getBytes(StandardCharsets.UTF_8);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        AtomicOutput.write(file, tmp -> Files.write(tmp, bytes));
    }
}
