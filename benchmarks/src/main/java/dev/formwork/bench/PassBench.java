package dev.formwork.bench;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporters;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.config.ConfigParser;
import dev.formwork.ir.Graph;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.PassReport;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section 2: the default pass pipeline, in process, on efficientformer-l7 and on a V1 ten times
 * deeper, for each registered target's profile. Graph construction is outside the timing; each
 * run gets a fresh {@code graph.copy()} (which shares the weight tensors, so every run folds the
 * same data), taken before the clock starts; certificates are off, as in {@code convert}.
 */
final class PassBench {
    /**
     * 10x L7's depth ([6,6,18,8] -> [60,60,180,80], every last-stage block attention as L7's
     * are), at narrower widths: at L7's [96,192,384,768] the random weights alone would be about
     * 3 GB; at [24,48,96,192] the model holds about as many weight values as L7 with ten times
     * the nodes, which is what the scaling question is about.
     */
    static final String DEEP = "{\"family\": \"efficientformer\", \"depths\": [60, 60, 180, 80], \"embed_dims\": [24, 48, 96, 192],"
            + " \"num_vit\": 80, \"num_classes\": 1000, \"image_size\": 224, \"distillation\": true}";
    static final double L7_LIMIT_MS = 1000;
    static final double RATIO_LIMIT = 12;

    private final BenchConfig cfg;

    PassBench(BenchConfig cfg) {
        this.cfg = cfg;
    }

    /** Wall and thread-CPU milliseconds of the whole pipeline, and per-pass wall medians. */
    private record Timing(Stats wallMs, Stats cpuMs, Map<String, Stats> perPassMs, int nodesBefore, int nodesAfter) {}

    Section run() {
        Section s = new Section("passes", "2. Passes: default pipeline on L7 and on a 10x deeper model");
        int warmup = cfg.warmup(2, 1), runs = cfg.runs(5, 2);
        s.method("In the harness process: for each registered target, `Pipelines.forTarget(\"default\", profile)` run by `PassManager` "
                + "without certificates (as `convert` runs it) on a fresh `graph.copy()` per run; building the model and copying it "
                + "are outside the timing, and so is a `System.gc()` before each run. Before any timing, one untimed pipeline per target on "
                + "L7 warms the JIT; then per row " + warmup + " warm-up run(s), then " + runs + " counted runs; median, min and max of wall "
                + "time, with the thread's CPU time beside it (the pipeline is single-threaded; CPU time is the less load-sensitive number).");
        s.method("The deep model is a V1 with depths [60,60,180,80] (10x L7's [6,6,18,8]; all 80 last-stage blocks attention, as all 8 "
                + "of L7's are) at widths [24,48,96,192] instead of L7's [96,192,384,768]: at L7's widths its random weights alone would "
                + "be about 3 GB. At these widths it holds about as many weight values as L7 with ten times the nodes. Targets: L7 <= "
                + Fmt.num(L7_LIMIT_MS) + " ms; deep <= " + Fmt.num(RATIO_LIMIT) + "x L7 (linear growth would be about the node ratio).");

        Graph l7 = Models.load("efficientformer-l7", LoadOptions.defaults()).graph();
        // One untimed pipeline per target first, so that no target's rows carry the JIT's first compilation of the passes.
        for (String target : Exporters.targets()) time(l7, profile(target), 1, 0);
        Map<String, Timing> l7t = new LinkedHashMap<>();
        for (String target : Exporters.targets()) l7t.put(target, time(l7, profile(target), warmup, runs));
        int l7Nodes = l7.nodeCount();
        long l7Values = l7.constantElementCount();
        l7 = null;
        System.gc();
        Graph deep = Models.build("deep_v1", ConfigParser.parse(DEEP, "PassBench.DEEP"), LoadOptions.defaults()).graph();
        Map<String, Timing> deept = new LinkedHashMap<>();
        for (String target : Exporters.targets()) deept.put(target, time(deep, profile(target), warmup, runs));
        int deepNodes = deep.nodeCount();
        long deepValues = deep.constantElementCount();
        deep = null;
        System.gc();

        Table t = s.table("passes", "Default pipeline (ms)")
                .column("target", "target profile")
                .column("l7_ms", "L7 ms (median)", Fmt.median())
                .column("l7_ms", "min", Fmt.min())
                .column("l7_ms", "max", Fmt.max())
                .column("l7_cpu_ms", "L7 CPU ms", Fmt.median())
                .column("l7_verdict", "L7")
                .column("deep_ms", "deep ms (median)", Fmt.median())
                .column("deep_ms", "min", Fmt.min())
                .column("deep_ms", "max", Fmt.max())
                .column("deep_cpu_ms", "deep CPU ms", Fmt.median())
                .column("ratio_verdict", "deep / L7");
        for (String target : l7t.keySet()) {
            Timing a = l7t.get(target), b = deept.get(target);
            Map<String, Object> r = t.row();
            r.put("target", target);
            r.put("l7_ms", a.wallMs);
            r.put("l7_cpu_ms", a.cpuMs);
            Verdict lv = new Verdict("", a.wallMs.median(), L7_LIMIT_MS, " ms");
            r.put("l7_verdict", lv);
            r.put("deep_ms", b.wallMs);
            r.put("deep_cpu_ms", b.cpuMs);
            Verdict rv = new Verdict("", b.wallMs.median() / a.wallMs.median(), RATIO_LIMIT, "x");
            r.put("ratio_verdict", rv);
            r.put("l7_per_pass_ms", a.perPassMs);
            r.put("deep_per_pass_ms", b.perPassMs);
            if (!lv.met() || !rv.met()) s.note(missNote(target, a, b));
        }
        String firstTarget = l7t.keySet().iterator().next();
        Table per = s.table("per-pass", "Per pass, `" + firstTarget + "` profile (median ms of the same runs)")
                .column("pass", "pass")
                .column("l7_ms", "L7 ms", Fmt.median())
                .column("deep_ms", "deep ms", Fmt.median())
                .column("ratio", "deep / L7", Fmt::ratio);
        for (Map.Entry<String, Stats> e : l7t.get(firstTarget).perPassMs.entrySet()) {
            Stats d = deept.get(firstTarget).perPassMs.get(e.getKey());
            Map<String, Object> r = per.row();
            r.put("pass", e.getKey());
            r.put("l7_ms", e.getValue());
            r.put("deep_ms", d);
            r.put("ratio", d == null ? null : d.median() / e.getValue().median());
        }
        Table sizes = s.table("pass-models", "The two models")
                .column("model", "model")
                .column("nodes_before", "nodes before")
                .column("nodes_after", "nodes after (" + Exporters.targets().get(0) + " profile)")
                .column("weight_values", "constant values");
        String first = l7t.keySet().iterator().next();
        Map<String, Object> r1 = sizes.row();
        r1.put("model", "efficientformer-l7");
        r1.put("nodes_before", l7Nodes);
        r1.put("nodes_after", l7t.get(first).nodesAfter);
        r1.put("weight_values", String.format(java.util.Locale.ROOT, "%,d", l7Values));
        Map<String, Object> r2 = sizes.row();
        r2.put("model", "deep V1 [60,60,180,80] x [24,48,96,192]");
        r2.put("nodes_before", deepNodes);
        r2.put("nodes_after", deept.get(first).nodesAfter);
        r2.put("weight_values", String.format(java.util.Locale.ROOT, "%,d", deepValues));
        s.extra().put("node_ratio", (double) deepNodes / l7Nodes);
        s.note("Node ratio deep / L7: " + Fmt.num((double) deepNodes / l7Nodes) + "x (the time ratio linear growth predicts).");
        return s;
    }

    private static TargetProfile profile(String target) {
        return Exporters.forTarget(target).profile(new ExportOptions());
    }

    private Timing time(Graph base, TargetProfile profile, int warmup, int runs) {
        cfg.log.println("bench: passes " + base.name() + " / " + profile.target());
        List<String> pipeline = Pipelines.forTarget("default", profile, null);
        PassManager pm = new PassManager();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Double> wall = new ArrayList<>(), cpu = new ArrayList<>();
        Map<String, List<Double>> perPass = new LinkedHashMap<>();
        int after = 0;
        for (int i = 0; i < warmup + runs; i++) {
            Graph g = base.copy();
            System.gc(); // the previous run's garbage is collected outside the timing
            long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            PassReport rep = pm.run(g, pipeline, PassContext.of(profile), false);
            long t1 = System.nanoTime(), c1 = mx.getCurrentThreadCpuTime();
            after = rep.nodesAfter();
            if (i < warmup) continue;
            wall.add((t1 - t0) / 1e6);
            cpu.add((c1 - c0) / 1e6);
            for (PassReport.Entry e : rep.passes()) perPass.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(e.nanos() / 1e6);
        }
        Map<String, Stats> pp = new LinkedHashMap<>();
        perPass.forEach((k, v) -> pp.put(k, Stats.of(v)));
        if (runs == 0) return null;
        return new Timing(Stats.of(wall), Stats.of(cpu), pp, base.nodeCount(), after);
    }

    /** The passes that grew most from L7 to deep, and the slowest on L7. */
    private static String missNote(String target, Timing a, Timing b) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Stats> e : a.perPassMs.entrySet()) {
            Stats deep = b.perPassMs.get(e.getKey());
            double la = e.getValue().median(), lb = deep == null ? Double.NaN : deep.median();
            parts.add(e.getKey() + " " + Fmt.num(la) + " -> " + Fmt.num(lb) + " ms");
        }
        return "`" + target + "` per pass (median ms, L7 -> deep): " + String.join(", ", parts) + ".";
    }
}
