package dev.formwork.passes.bench;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.config.ConfigParser;
import dev.formwork.ir.Graph;
import dev.formwork.ir.op.OpDef;
import dev.formwork.ir.op.OpRegistry;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.PassReport;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the default pipeline scales with graph size (a benchmark, not a test). Builds
 * efficientformer-l7 and a V1 ten times deeper (depths [60,60,180,80], all 80 last-stage blocks
 * attention, as L7 has all 8), with seeded random weights, and times the default pipeline without
 * certificates on a fresh {@code graph.copy()} per run (copies share the weight tensors, so each
 * run folds the same data): warm-up runs, then the median of the measured runs, per pass and in
 * total, with the thread's CPU time beside the wall time (the pipeline runs on one thread; CPU
 * time is the less load-sensitive number on a shared machine). The deep model uses widths [24,48,96,192] instead of L7's [96,192,384,768]: at L7 widths
 * its random weights would be about 3 GB; at these it has about L7's weight volume (~80M values)
 * with ten times the nodes, which is what the scaling question is about.
 *
 * <p>Run: see the passes section of the final report, or
 * {@code java -cp <test classpath> dev.formwork.passes.bench.PassBenchmark [warmup] [runs]}.
 * Targets: L7 <= 1 s; deep <= 12x L7.
 */
public final class PassBenchmark {
    static final String DEEP = "{\"family\": \"efficientformer\", \"depths\": [60, 60, 180, 80], \"embed_dims\": [24, 48, 96, 192],"
            + " \"num_vit\": 80, \"num_classes\": 1000, \"image_size\": 224, \"distillation\": true}";

    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        TargetProfile profile = TargetProfile.reference(OpRegistry.all().stream().map(OpDef::name).collect(Collectors.toSet()));
        List<String> pipeline = Pipelines.forTarget("default", profile);

        long t0 = System.nanoTime();
        Graph l7 = Models.load("efficientformer-l7", LoadOptions.defaults().withSeed(0)).graph();
        System.out.printf("built efficientformer-l7 in %.1f s: %d nodes, %d constants, %.1fM parameters%n",
                (System.nanoTime() - t0) / 1e9, l7.nodeCount(), l7.constants().size(), l7.parameterCount() / 1e6);
        double a = measure("efficientformer-l7", l7, pipeline, profile, warmup, runs);
        l7 = null;

        t0 = System.nanoTime();
        Graph deep = Models.build("deep_v1", ConfigParser.parse(DEEP, "PassBenchmark.DEEP"), LoadOptions.defaults().withSeed(0)).graph();
        System.out.printf("built deep_v1 in %.1f s: %d nodes, %d constants, %.1fM parameters%n",
                (System.nanoTime() - t0) / 1e9, deep.nodeCount(), deep.constants().size(), deep.parameterCount() / 1e6);
        double b = measure("deep_v1 (10x depth)", deep, pipeline, profile, warmup, runs);
        System.out.printf("%nmedian default pipeline: L7 %.1f ms, deep %.1f ms, ratio %.2fx (targets: L7 <= 1000 ms, ratio <= 12)%n", a, b, b / a);
    }

    /** Median wall time (ms) of the pipeline on fresh copies; prints per-pass medians. */
    static double measure(String label, Graph base, List<String> pipeline, TargetProfile profile, int warmup, int runs) {
        PassManager pm = new PassManager();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Double> totals = new ArrayList<>(), cpu = new ArrayList<>();
        Map<String, List<Double>> perPass = new LinkedHashMap<>();
        int nodesAfter = 0;
        for (int i = 0; i < warmup + runs; i++) {
            Graph g = base.copy();
            System.gc();
            long t = System.nanoTime(), c = mx.getCurrentThreadCpuTime();
            PassReport r = pm.run(g, pipeline, PassContext.of(profile), false);
            double ms = (System.nanoTime() - t) / 1e6, cms = (mx.getCurrentThreadCpuTime() - c) / 1e6;
            nodesAfter = r.nodesAfter();
            if (i < warmup) continue;
            totals.add(ms);
            cpu.add(cms);
            for (PassReport.Entry e : r.passes()) perPass.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(e.nanos() / 1e6);
        }
        System.out.printf("%s: %d -> %d nodes; runs (ms) %s%n", label, base.nodeCount(), nodesAfter,
                Arrays.toString(totals.stream().mapToLong(Math::round).toArray()));
        for (var e : perPass.entrySet()) System.out.printf("  %-22s %8.1f ms%n", e.getKey(), median(e.getValue()));
        double m = median(totals);
        System.out.printf("  %-22s %8.1f ms wall, %.1f ms thread CPU (medians of %d after %d warm-up)%n", "total", m, median(cpu), runs,
                warmup);
        return m;
    }

    static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
