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
import dev.formwork.runtimes.Session;
import java.nio.file.Path;
import java.util.ArrayList;
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
        int warm = cfg.warmup(3, 1), runs = cfg.runs(10, 3);
        s.method("In the harness process, 1 thread everywhere, batch 1, one seeded gaussian input. All engines of a model are "
                + "built first, get " + warm + " warm-up runs each, then " + runs + " rounds of one run each in alternation (so load on the "
                + "machine hits all alike); median, min and max. ONNX Runtime runs the `onnx` export with the default pipeline "
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
            for (String model : MODELS) measureModel(s, t, model, warm, runs);
        } finally {
            Parallel.setThreads(before);
        }
        return s;
    }

    /** One engine of the round: its label, the timed body, and what to close afterwards. */
    private record Engine(String label, Sampler.Body body, AutoCloseable resource, boolean interpreter) {}

    /** Builds every available engine for {@code model}, times them in alternation, adds the rows. */
    private void measureModel(Section s, Table t, String model, int warm, int runs) throws Exception {
        Graph g = Models.load(model, LoadOptions.defaults()).graph();
        Path dir = cfg.work.resolve("engines");
        List<Engine> engines = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            String ortWhy = LatencyBench.unavailable("onnx");
            if (ortWhy == null) {
                Path f = Exports.export(g, "onnx", "default", Exports.options(g, model, null), dir);
                files.add(f);
                engines.add(session("ONNX Runtime (passes default)", f, false));
            } else {
                add(t, model, "ONNX Runtime", null, null, ortWhy);
            }
            engines.add(interpreter("reference interpreter (as loaded)", g));
            TargetProfile ref = TargetProfile.reference(OpRegistry.all().stream().map(OpDef::name).collect(Collectors.toSet()));
            engines.add(interpreter("reference interpreter (passes default)", Exports.passes(g, ref, "default")));
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
                files.add(f);
                if (!Exports.hasRuntime(f.getFileName().toString())) {
                    add(t, model, label, null, null, "no runtime registered for " + f.getFileName());
                    continue;
                }
                engines.add(session(label, f, false));
            }
            cfg.log.println("bench: engines " + model + ": " + engines.size() + " engines in alternation");
            List<Stats> ms = Sampler.alternating(warm, runs, engines.stream().map(Engine::body).toList());
            Double ort = ortWhy == null ? ms.get(0).median() : null;
            for (int i = 0; i < engines.size(); i++) {
                Engine e = engines.get(i);
                Stats st = ms.get(i);
                Object ratio = ort == null ? null : st.median() / ort;
                if (e.interpreter() && ort != null) {
                    Verdict v = new Verdict("", st.median() / ort, INTERPRETER_LIMIT, "x");
                    ratio = v;
                    if (!v.met()) {
                        s.note(model + ": the " + e.label() + " takes " + Fmt.num(v.value()) + "x ONNX Runtime's time at 1 thread (target <= "
                                + Fmt.num(INTERPRETER_LIMIT) + "x).");
                    }
                }
                add(t, model, e.label(), st, ratio, null);
            }
        } finally {
            for (Engine e : engines) if (e.resource() != null) e.resource().close();
            for (Path f : files) dev.formwork.exporters.AtomicOutput.deleteRecursively(f);
        }
    }

    private static Engine session(String label, Path file, boolean interpreter) {
        Session session = Exports.open(file, 1);
        NdArray x = SeededInput.gaussian(session.inputs().get(0).shape().toArray(), 1);
        return new Engine(label, () -> session.run(x), session, interpreter);
    }

    private static Engine interpreter(String label, Graph g) {
        Interpreter interp = new Interpreter(g);
        NdArray x = SeededInput.gaussian(g.input(0).shape().toArray(), 1);
        return new Engine(label, () -> interp.run(x), null, true);
    }

    private static void add(Table t, String model, String engine, Stats ms, Object ratio, String why) {
        Map<String, Object> r = t.row();
        r.put("model", model);
        r.put("engine", engine);
        r.put("latency_ms", ms == null ? why : ms);
        r.put("ratio", ratio);
    }
}
