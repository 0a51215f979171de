package dev.formwork.bench;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import dev.formwork.runtimes.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Section 3: latency of exported models on ONNX Runtime (.onnx) and the TFLite interpreter with
 * XNNPACK (.tflite), batch 1, at 1 and 2 threads, with the default pipeline and with none; the
 * achieved GFLOP/s next to the same runtime's throughput on one large GEMM exported and timed
 * the same way, which is this machine's practical ceiling for that runtime.
 */
final class LatencyBench {
    static final List<String> MODELS = List.of("efficientformer-l1", "efficientformerv2-s0", "efficientformer-l7");
    static final List<String> TARGETS = List.of("onnx", "tflite");
    static final List<String> PASSES = List.of("default", "none");
    static final int[] THREADS = {1, 2};
    /**
     * The ceiling GEMMs, {M, K, N}: x [1, M, K] times W [N, K]^T. Large K and N keep the copies
     * in and out small next to the work; a runtime's ceiling is its best median over the shapes.
     */
    static final int[][] GEMMS = {{512, 4096, 4096}, {1024, 2048, 2048}, {2048, 1024, 1024}};

    private final BenchConfig cfg;

    LatencyBench(BenchConfig cfg) {
        this.cfg = cfg;
    }

    Section run() throws Exception {
        Section s = new Section("latency", "3. Exported models: latency on ONNX Runtime and TFLite (XNNPACK)");
        int warm = cfg.warmup(3, 1), runs = cfg.runs(20, 5), warmBig = cfg.warmup(2, 1), runsBig = cfg.runs(5, 2);
        int warmGemm = cfg.warmup(3, 1), runsGemm = cfg.runs(10, 3);
        s.method("In the harness process: each model (random weights, seed 0, batch 1, 224x224) is exported as `convert` does "
                + "(the target's pipeline, `default` or `none` -- `none` still legalizes -- then the exporter) and opened with "
                + "`Runtimes.open(file, RunOptions.defaults().withThreads(t))`: ONNX Runtime's CPU execution provider with its default "
                + "graph optimisations and t intra-op threads; the TFLite interpreter with the XNNPACK delegate (its default) and t threads. "
                + "One seeded gaussian input; " + warm + " warm-up runs then " + runs + " counted runs (L7: " + warmBig + " then " + runsBig
                + "); median, min and max of the wall time of `Session.run` (input copy in and output copy out included). At 1 thread the "
                + "`default` and `none` artifacts of a model are open together and timed in alternation, one run of each per round, so "
                + "machine load hits both alike; at 2 threads each runs alone, because an idle session's worker threads spin-wait after "
                + "each run and would take the second core from the one being timed.");
        s.method("GFLOP/s = 2 x MACs / median latency, with the model's MACs as the IR counts them before any pass (the README's "
                + "figures), so both pass settings are divided into the same work. The ceiling is one Linear layer, x [1,M,K] times "
                + "W [N,K]^T, for " + GEMMS.length + " large shapes, each built as an IR graph and exported and timed the same way on the "
                + "same runtime at the same thread count (" + warmGemm + " warm-up runs, then " + runsGemm + " counted); a runtime's "
                + "ceiling is its best shape's GFLOP/s.");

        Table ceil = s.table("gemm-ceiling", "Large-GEMM throughput per runtime (the ceiling is each runtime's best shape)")
                .column("runtime", "runtime")
                .column("threads", "threads")
                .column("shape", "x [1,M,K] W [N,K]^T")
                .column("latency_ms", "GEMM ms (median)", Fmt.median())
                .column("latency_ms", "min", Fmt.min())
                .column("latency_ms", "max", Fmt.max())
                .column("gflops", "GFLOP/s")
                .column("ceiling", "ceiling");
        Map<String, Double> ceiling = new LinkedHashMap<>();
        for (String target : TARGETS) {
            String why = unavailable(target);
            if (why != null) {
                Map<String, Object> r = ceil.row();
                r.put("runtime", runtimeName(target));
                r.put("threads", "-");
                r.put("gflops", why);
                s.note(runtimeName(target) + ": " + why + "; its rows are left out.");
            }
        }
        for (int[] shape : GEMMS) {
            Graph gemm = gemmGraph(shape[0], shape[1], shape[2]);
            for (String target : TARGETS) {
                if (unavailable(target) != null) continue;
                Path file = Exports.export(gemm, target, "none", Exports.options(gemm, "gemm", null), cfg.work.resolve("latency"));
                for (int t : THREADS) {
                    cfg.log.println("bench: latency gemm " + java.util.Arrays.toString(shape) + " " + target + " " + t + "t");
                    Stats ms = time(file, t, warmGemm, runsGemm);
                    double gf = 2.0 * gemm.macs() / (ms.median() / 1000) / 1e9;
                    ceiling.merge(target + "/" + t, gf, Math::max);
                    Map<String, Object> r = ceil.row();
                    r.put("runtime", runtimeName(target));
                    r.put("threads", t);
                    r.put("shape", "M=" + shape[0] + " K=" + shape[1] + " N=" + shape[2]);
                    r.put("key", target + "/" + t);
                    r.put("latency_ms", ms);
                    r.put("gflops", gf);
                }
                java.nio.file.Files.deleteIfExists(file);
            }
        }
        for (Map<String, Object> r : ceil.rows()) {
            Object k = r.get("key");
            if (k != null && r.get("gflops") instanceof Double gf && gf.equals(ceiling.get(k))) r.put("ceiling", "best");
        }
        ceil.rows().sort(java.util.Comparator.comparing((Map<String, Object> r) -> String.valueOf(r.get("runtime")))
                .thenComparing(r -> String.valueOf(r.get("threads"))));

        Table t = s.table("latency", "Latency, batch 1")
                .column("model", "model")
                .column("runtime", "runtime")
                .column("passes", "passes")
                .column("threads", "threads")
                .column("latency_ms", "ms (median)", Fmt.median())
                .column("latency_ms", "min", Fmt.min())
                .column("latency_ms", "max", Fmt.max())
                .column("runs", "runs")
                .column("gflops", "GFLOP/s")
                .column("ceiling_gflops", "GEMM GFLOP/s")
                .column("of_ceiling", "of ceiling", Fmt::percent)
                .column("speedup", "speed-up vs none", Fmt::ratio);
        for (String model : MODELS) {
            Graph g = Models.load(model, LoadOptions.defaults()).graph();
            long macs = g.macs();
            boolean big = model.endsWith("-l7");
            for (String target : TARGETS) {
                if (unavailable(target) != null) continue;
                List<Path> files = new ArrayList<>();
                for (String passes : PASSES) {
                    try {
                        files.add(Exports.export(g, target, passes, Exports.options(g, model + "-" + passes, null), cfg.work.resolve("latency")));
                    } catch (RuntimeException e) {
                        Map<String, Object> r = t.row();
                        r.put("model", model);
                        r.put("runtime", runtimeName(target));
                        r.put("passes", passes);
                        r.put("latency_ms", "export failed: " + e.getMessage());
                        files.add(null);
                    }
                }
                for (int th : THREADS) {
                    cfg.log.println("bench: latency " + model + " " + target + " " + th + "t (passes " + String.join(" and ", PASSES) + ")");
                    List<Stats> all = timeAlternating(files, th, big ? warmBig : warm, big ? runsBig : runs);
                    for (int i = 0; i < files.size(); i++) {
                        Stats ms = all.get(i);
                        if (ms == null) continue;
                        double gf = 2.0 * macs / (ms.median() / 1000) / 1e9;
                        Double c = ceiling.get(target + "/" + th);
                        Map<String, Object> r = t.row();
                        r.put("model", model);
                        r.put("runtime", runtimeName(target));
                        r.put("passes", PASSES.get(i));
                        r.put("threads", th);
                        r.put("latency_ms", ms);
                        r.put("runs", ms.n());
                        r.put("macs", macs);
                        r.put("gflops", gf);
                        r.put("ceiling_gflops", c);
                        r.put("of_ceiling", c == null ? null : gf / c);
                        int none = PASSES.indexOf("none");
                        if (i != none && none >= 0 && all.get(none) != null) r.put("speedup", all.get(none).median() / ms.median());
                    }
                }
                for (Path f : files) if (f != null) java.nio.file.Files.deleteIfExists(f);
            }
        }
        return s;
    }

    static String runtimeName(String target) {
        return switch (target) {
            case "onnx" -> "ONNX Runtime";
            case "tflite" -> "TFLite + XNNPACK";
            default -> target;
        };
    }

    /** Null when the target's exporter and runtime are both registered, else why not. */
    static String unavailable(String target) {
        if (!Exports.hasExporter(target)) return "exporter '" + target + "' not registered in this build";
        if (!Exports.hasRuntime("x." + target)) return "no runtime registered for ." + target + " files";
        return null;
    }

    /**
     * Times every artifact (null entries are skipped; their Stats are null) at {@code threads}.
     * At one thread the artifacts are open together and timed in alternation ({@link
     * Sampler#alternating}), so load hits all alike. At more threads each runs alone: an idle
     * session's worker threads spin-wait after every run (ONNX Runtime's intra-op pool, XNNPACK's
     * pthreadpool) and would take the second core from the session being timed.
     */
    static List<Stats> timeAlternating(List<Path> files, int threads, int warmup, int runs) throws Exception {
        List<Stats> out = new ArrayList<>();
        if (threads > 1) {
            for (Path f : files) out.add(f == null ? null : time(f, threads, warmup, runs));
            return out;
        }
        List<Session> sessions = new ArrayList<>();
        try {
            List<Sampler.Body> bodies = new ArrayList<>();
            for (Path f : files) {
                if (f == null) continue;
                Session s = Exports.open(f, threads);
                sessions.add(s);
                NdArray x = SeededInput.gaussian(s.inputs().get(0).shape().toArray(), 1);
                bodies.add(() -> s.run(x));
            }
            List<Stats> measured = Sampler.alternating(warmup, runs, bodies);
            int k = 0;
            for (Path f : files) out.add(f == null ? null : measured.get(k++));
            return out;
        } finally {
            for (Session s : sessions) s.close();
        }
    }

    /** Opens the artifact at {@code threads} and times {@code Session.run} on one seeded input. */
    static Stats time(Path file, int threads, int warmup, int runs) {
        try (Session session = Exports.open(file, threads)) {
            NdArray x = SeededInput.gaussian(session.inputs().get(0).shape().toArray(), 1);
            return Sampler.millis(warmup, runs, () -> session.run(x));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** y = x W^T, x [1,M,K], W [N,K] seeded uniform: M*K*N MACs. */
    static Graph gemmGraph(int m, int k, int n) {
        Graph g = new Graph("gemm");
        var x = g.addInput("input", ValueType.f32(1, m, k));
        ByteBuffer b = ByteBuffer.allocate(n * k * 4).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < n * k; i++) b.putFloat((float) (r.nextDouble() * 2 - 1) / k);
        b.flip();
        var w = g.addConstant("weight", Tensor.wrap(dev.formwork.ir.DType.FLOAT32, Shape.of(n, k), b));
        g.addOutput(g.apply("Linear", "logits", x, w));
        return g;
    }
}
