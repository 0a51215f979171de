package dev.formwork.bench;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import dev.formwork.runtimes.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Section 5: the savedmodel target on L1: latency on TensorFlow Java at one thread next to ONNX
 * Runtime's on the ONNX export of the same graph, the folder's size and its op histogram.
 */
final class SavedModelBench {
    static final String MODEL = "efficientformer-l1";
    static final List<String> TARGETS = List.of("onnx", "savedmodel");

    private final BenchConfig cfg;

    SavedModelBench(BenchConfig cfg) {
        this.cfg = cfg;
    }

    Section run() throws Exception {
        Section s = new Section("savedmodel", "5. SavedModel: L1 on TensorFlow Java vs ONNX Runtime (1 thread)");
        int warm = cfg.warmup(3, 1), runs = cfg.runs(20, 5);
        s.method("In the harness process: " + MODEL + " (random weights, seed 0, batch 1, 224x224) is exported as `convert` does with the "
                + "default pipeline, once as `onnx` and once as `savedmodel` (fp32, NHWC input), and both are opened with "
                + "`Runtimes.open(file, RunOptions.defaults().withThreads(1))`: ONNX Runtime's CPU execution provider with one intra-op "
                + "thread, and TensorFlow Java 1.1.0 (TensorFlow 2.18) with `SavedModelBundle.load(dir, \"serve\")`, the "
                + "`serving_default` function, and one intra-op and one inter-op thread. Both sessions are open together and timed in "
                + "alternation, one run of each per round, so machine load hits both alike: " + warm + " warm-up runs, then " + runs
                + " counted; median, min and max of the wall time of `Session.run` (input copy in and output copy out included). "
                + "The SavedModel takes the same seeded input transposed to NHWC; max abs is its logits against ONNX Runtime's.");
        Graph g = Models.load(MODEL, LoadOptions.defaults()).graph();
        List<Path> files = new ArrayList<>();
        for (String target : TARGETS) {
            String why = LatencyBench.unavailable(target);
            if (why != null) {
                s.note(target + ": " + why + "; the section is left out.");
                return s;
            }
            files.add(Exports.export(g, target, "default", Exports.options(g, MODEL, null), cfg.work.resolve("savedmodel")));
        }
        cfg.log.println("bench: savedmodel " + MODEL + " onnx and savedmodel, 1 thread");
        List<Session> sessions = new ArrayList<>();
        List<Stats> ms;
        NdArray[] outs = new NdArray[TARGETS.size()];
        try {
            List<Sampler.Body> bodies = new ArrayList<>();
            NdArray x = SeededInput.gaussian(g.input(0).shape().toArray(), 1);
            for (int i = 0; i < files.size(); i++) {
                Session session = Exports.open(files.get(i), 1);
                sessions.add(session);
                int[] want = session.inputs().get(0).shape().toArray();
                NdArray in = java.util.Arrays.equals(want, x.shape()) ? x : dev.formwork.ir.op.ShapeOps.permute(x, new int[] {0, 2, 3, 1});
                int k = i;
                outs[k] = session.run(in)[0];
                bodies.add(() -> session.run(in));
            }
            ms = Sampler.alternating(warm, runs, bodies);
        } finally {
            for (Session session : sessions) session.close();
        }
        Table t = s.table("savedmodel-latency", MODEL + ", batch 1, 1 thread")
                .column("runtime", "runtime")
                .column("artifact", "artifact")
                .column("latency_ms", "ms (median)", Fmt.median())
                .column("latency_ms", "min", Fmt.min())
                .column("latency_ms", "max", Fmt.max())
                .column("runs", "runs")
                .column("bytes", "size (bytes)")
                .column("vs_onnx", "vs ONNX Runtime", Fmt::ratio);
        for (int i = 0; i < files.size(); i++) {
            Map<String, Object> r = t.row();
            r.put("runtime", TARGETS.get(i).equals("onnx") ? "ONNX Runtime" : "TensorFlow Java");
            r.put("artifact", files.get(i).getFileName().toString());
            r.put("latency_ms", ms.get(i));
            r.put("runs", ms.get(i).n());
            r.put("bytes", String.format(java.util.Locale.ROOT, "%,d", Exports.size(files.get(i))));
            r.put("vs_onnx", ms.get(i).median() / ms.get(0).median());
        }
        ArtifactInfo info = ArtifactReaders.read(files.get(1));
        String histogram = info.ops().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        Table ops = s.table("savedmodel-graph", "The L1 SavedModel's graph");
        ops.column("what", "what").column("value", "value");
        Map<String, Object> r = ops.row();
        r.put("what", "op histogram (GraphDef nodes)");
        r.put("value", histogram);
        r = ops.row();
        r.put("what", "parameters (elements of float Const nodes)");
        r.put("value", String.format(java.util.Locale.ROOT, "%,d", info.params()));
        r = ops.row();
        r.put("what", "max abs of the logits vs ONNX Runtime");
        r.put("value", String.format(java.util.Locale.ROOT, "%.3g", Comparison.of(outs[1], outs[0]).maxAbs()));
        s.extra().put("ops", info.ops());
        for (Path f : files) dev.formwork.exporters.AtomicOutput.deleteRecursively(f);
        return s;
    }
}
