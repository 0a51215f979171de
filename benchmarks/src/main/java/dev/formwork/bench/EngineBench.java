package dev.formwork.bench;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import dev.formwork.ir.interp.SeededInput;
import dev.formwork.ir.kernels.Gemm;
import dev.formwork.ir.op.OpDef;
import dev.formwork.ir.op.OpRegistry;
import dev.formwork.passes.TargetProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Section 4: Formwork's own engines next to ONNX Runtime at one thread on L1 and S0: the
 * reference interpreter on the graph as loaded and after the default pipeline, and the Core ML
 * executor on the fp32 ML Program (and NeuralNetwork) artifacts. The ratio to ONNX Runtime is
 * the figure; the interpreter's target is within 3x.
 */
final class EngineBench {
    static final List<String> MODELS = List.of("efficientformer-l1", "efficientformerv2-s0");
    static final double INTERPRETER_LIMIT = 3.0;

    private final BenchConfig cfg;

    EngineBench(BenchConfig cfg) {
        this.cfg = cfg;
    }

    Section run() throws Exception {
        Section s = new Section("engines", "4. Engines: reference interpreter and Core ML executor vs ONNX Runtime (1 thread)");
        int warm = cfg.warmup(2, 1), runs = cfg.runs(5, 2);
        s.method("In the harness process, 1 thread everywhere, batch 1, one seeded gaussian input, " + warm + " warm-up runs then "
                + runs + " counted runs; median, min and max. ONNX Runtime runs the `onnx` export with the default pipeline "
                + "(intra-op threads 1). The reference interpreter (`new Interpreter(graph).run(x)`, `Parallel.setThreads(1)`, Vector API GEMM: "
                + (Gemm.vectorised() ? "on" : "OFF") + ") runs the graph as loaded and the graph after the default pipeline for the "
                + "reference profile. The Core ML executor (`Runtimes.open` on the `.mlpackage` exported at fp32, and on the "
                + "`.mlmodel` NeuralNetwork when that target is registered) runs with the same kernel pool at 1 thread. "
                + "Ratio = engine median / ONNX Runtime median; target for the interpreter: <= " + Fmt.num(INTERPRETER_LIMIT) + "x.");

        Table t = s.table("engines", "Engines at 1 thread")
                .column("model", "model")
                .column("engine", "engine")
                .column("latency_ms", "ms (median)", Fmt.median())
                .column("latency_ms", "min", Fmt.min())
                .column("latency_ms", "max", Fmt.max())
                .column("ratio", "vs ONNX Runtime", Fmt::ratio);
        int before = Parallel.threads();
        Parallel.setThreads(1);
        try {
            for (String model : MODELS) {
                Graph g = Models.load(model, LoadOptions.defaults()).graph();
                Path dir = cfg.work.resolve("engines");
                Double ort = null;
                String ortWhy = LatencyBench.unavailable("onnx");
                if (ortWhy == null) {
                    Path f = Exports.export(g, "onnx", "default", Exports.options(g, model, null), dir);
                    cfg.log.println("bench: engines " + model + " onnxruntime");
                    Stats ms = LatencyBench.time(f, 1, warm, runs);
                    ort = ms.median();
                    add(t, model, "ONNX Runtime (passes default)", ms, 1.0, null);
                    Files.deleteIfExists(f);
                } else {
                    add(t, model, "ONNX Runtime", null, null, ortWhy);
                }

                cfg.log.println("bench: engines " + model + " interpreter");
                Stats raw = interpreter(g, warm, runs);
                Verdict v1 = verdict(raw, ort);
                add(t, model, "reference interpreter (as loaded)", raw, v1, null);
                TargetProfile ref = TargetProfile.reference(OpRegistry.all().stream().map(OpDef::name).collect(Collectors.toSet()));
                Graph opt = Exports.passes(g, ref, "default");
                Stats optimised = interpreter(opt, warm, runs);
                Verdict v2 = verdict(optimised, ort);
                add(t, model, "reference interpreter (passes default)", optimised, v2, null);
                for (Verdict v : new Verdict[] {v1, v2}) {
                    if (v != null && !v.met()) {
                        s.note(model + ": the reference interpreter is " + Fmt.num(v.value()) + "x ONNX Runtime at 1 thread (target <= "
                                + Fmt.num(INTERPRETER_LIMIT) + "x).");
                    }
                }

                for (String target : List.of("coreml", "coreml-nn")) {
                    String label = "Core ML executor (" + (target.equals("coreml") ? ".mlpackage" : ".mlmodel") + ", fp32)";
                    if (!Exports.hasExporter(target)) {
                        add(t, model, label, null, null, "exporter '" + target + "' not registered in this build");
                        continue;
                    }
                    Path f;
                    try {
                        f = Exports.export(g, target, "default", Exports.options(g, model, ExportOptions.Precision.FP32), dir);
                    } catch (RuntimeException e) {
                        add(t, model, label, null, null, "export failed: " + e.getMessage());
                        continue;
                    }
                    if (!Exports.hasRuntime(f.getFileName().toString())) {
                        add(t, model, label, null, null, "no runtime registered for " + f.getFileName());
                        continue;
                    }
                    cfg.log.println("bench: engines " + model + " " + target);
                    Stats ms = LatencyBench.time(f, 1, warm, runs);
                    add(t, model, label, ms, ort == null ? null : ms.median() / ort, null);
                    dev.formwork.exporters.AtomicOutput.deleteRecursively(f);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
        return s;
    }

    private static Verdict verdict(Stats ms, Double ort) {
        return ort == null ? null : new Verdict("", ms.median() / ort, INTERPRETER_LIMIT, "x");
    }

    private static Stats interpreter(Graph g, int warm, int runs) throws Exception {
        Interpreter interp = new Interpreter(g);
        NdArray x = SeededInput.gaussian(g.input(0).shape().toArray(), 1);
        return Sampler.millis(warm, runs, () -> interp.run(x));
    }

    private static void add(Table t, String model, String engine, Stats ms, Object ratio, String why) {
        Map<String, Object> r = t.row();
        r.put("model", model);
        r.put("engine", engine);
        r.put("latency_ms", ms == null ? why : ms);
        r.put("ratio", ratio);
    }
}
