package dev.formwork.bench;

import dev.formwork.exporters.Exporters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 1: {@code formwork convert efficientformer-l7 --weights L7.safetensors --target T} as a
 * whole process, for {@code all} and each registered target, next to the I/O floor measured in
 * the same run. Peak RSS comes from {@link ProcessMeter}, peak heap from the child's GC log
 * ({@link GcLog}), and the CLI's own progress lines (seconds per step, on stderr) give the
 * breakdown that the notes quote when a target is missed.
 */
final class ConversionBench {
    static final String MODEL = "efficientformer-l7";
    static final double WALL_LIMIT = 3.0;
    static final double RSS_SLACK = 300 * Fmt.MB;
    private static final Pattern STEP = Pattern.compile("^\\s+(.+?) \\.\\.\\. ([0-9.]+) s$", Pattern.MULTILINE);

    private final BenchConfig cfg;
    private final LauncherFlags.Flags launcher;

    ConversionBench(BenchConfig cfg) {
        this.cfg = cfg;
        this.launcher = LauncherFlags.read(cfg.repo);
    }

    /** One configuration's measurements. */
    private record Outcome(String target, List<ProcessMeter.Run> runs, List<GcLog> gcs, long artifactBytes, IoFloor.Result floor,
                           Map<String, Stats> steps, String error) {}

    Section run() throws Exception {
        Section s = new Section("conversion", "1. Conversion: `convert " + MODEL + "` (wall time and peak memory)");
        Path weights = cfg.work.resolve(MODEL + ".safetensors");
        long weightBytes = Checkpoint.write(weights, MODEL, 0, cfg.log);
        int warmup = cfg.warmup(1, 0), runs = cfg.runs(5, 1);
        List<String> configs = new ArrayList<>();
        configs.add("all");
        configs.addAll(Exporters.targets());

        s.method("Each row runs `java " + String.join(" ", javaFlags()) + " -jar cli/target/formwork-cli.jar convert " + MODEL
                + " --weights bench-out/" + weights.getFileName() + " --target T --out bench-out/convert/T` as a child process: the JVM flags "
                + "are the `./formwork` launcher's (" + launcher.source() + ", plus `$FORMWORK_JAVA_OPTS` when set) and a GC log. The weights are a seeded random "
                + "L7 checkpoint written once as a real .safetensors file (" + Fmt.mb(weightBytes) + " MB, timm key names, F32 + I64), "
                + "so the conversion reads its weights from disk. `all` is onnx, tflite and coreml (Core ML at its default fp16).");
        s.method(warmup + " warm-up run(s), then " + runs + " counted runs per row; median, min and max. Wall time is start to exit of the "
                + "process (JVM start-up included). Peak RSS is `/proc/<pid>/status` VmHWM polled every " + ProcessMeter.POLL_MS
                + " ms (the kernel's high-water mark; it includes the memory-mapped weight pages). Peak heap is the largest heap occupancy "
                + "in the child's `-Xlog:gc,gc+heap+exit` log (the heap before each collection, or at exit; between collections occupancy "
                + "only grows), committed heap beside it.");
        s.method("The I/O floor is measured in the harness process right after each row's runs (warm page cache, like the "
                + "conversions): reading the weight file once through a FileChannel plus writing the row's artifact bytes once to a "
                + "scratch file, median of 5. Targets: wall <= " + Fmt.num(WALL_LIMIT) + "x the floor; peak RSS <= 2 x weight bytes + "
                + "300 MB = " + Fmt.mb(2 * weightBytes + RSS_SLACK) + " MB.");

        Table t = s.table("conversion", "Conversion of " + MODEL + " (weights " + Fmt.mb(weightBytes) + " MB)")
                .column("target", "--target")
                .column("artifact_bytes", "artifacts MB", Fmt::mb)
                .column("wall_s", "wall s (median)", Fmt.median())
                .column("wall_s", "min", Fmt.min())
                .column("wall_s", "max", Fmt.max())
                .column("floor_s", "I/O floor s", Fmt.median())
                .column("wall_verdict", "wall vs floor")
                .column("peak_rss_mb", "peak RSS MB (median)", Fmt.median())
                .column("peak_rss_mb", "min", Fmt.min())
                .column("peak_rss_mb", "max", Fmt.max())
                .column("rss_verdict", "peak RSS vs weights")
                .column("peak_heap_mb", "peak heap MB (median)", Fmt.median())
                .column("committed_heap_mb", "committed heap MB", Fmt.median());

        Table base = s.table("jvm-baseline", "Baseline: the same JVM doing nothing (`formwork --version`)")
                .column("command", "command")
                .column("wall_s", "wall s (median)", Fmt.median())
                .column("wall_s", "min", Fmt.min())
                .column("wall_s", "max", Fmt.max())
                .column("peak_rss_mb", "peak RSS MB (median)", Fmt.median());
        baseline(base.row(), warmup, cfg.runs(5, 2));

        List<Outcome> outcomes = new ArrayList<>();
        for (String target : configs) {
            cfg.log.println("bench: conversion --target " + target);
            Outcome o = measure(target, weights, warmup, runs);
            outcomes.add(o);
            Map<String, Object> r = t.row();
            r.put("target", target);
            r.put("command", "java " + String.join(" ", javaFlags()) + " -jar cli/target/formwork-cli.jar convert " + MODEL
                    + " --weights bench-out/" + weights.getFileName() + " --target " + target + " --out bench-out/convert/" + target);
            if (o.error != null) {
                r.put("wall_verdict", "failed: " + o.error);
                s.note("`--target " + target + "` did not run: " + o.error);
                continue;
            }
            Stats wall = Stats.of(o.runs.stream().map(x -> x.wallMs() / 1000).toList());
            Stats rss = Stats.of(o.runs.stream().map(x -> x.peakRssBytes() / Fmt.MB).toList());
            Stats heap = Stats.of(o.gcs.stream().map(g -> g.peakUsedBytes() / Fmt.MB).toList());
            Stats committed = Stats.of(o.gcs.stream().map(g -> g.peakCommittedBytes() / Fmt.MB).toList());
            Stats floor = o.floor.totalMs().map(ms -> ms / 1000);
            Verdict wv = new Verdict("wall/floor", wall.median() / floor.median(), WALL_LIMIT, "x");
            Verdict rv = new Verdict("peak RSS", rss.median(), (2 * weightBytes + RSS_SLACK) / Fmt.MB, " MB");
            r.put("artifact_bytes", o.artifactBytes);
            r.put("wall_s", wall);
            r.put("floor_s", floor);
            r.put("floor_read_s", o.floor.readMs().map(ms -> ms / 1000));
            r.put("floor_write_s", o.floor.writeMs().map(ms -> ms / 1000));
            r.put("wall_verdict", wv);
            r.put("peak_rss_mb", rss);
            r.put("rss_verdict", rv);
            r.put("peak_heap_mb", heap);
            r.put("committed_heap_mb", committed);
            r.put("max_rss_anon_mb", Stats.of(o.runs.stream().map(x -> x.maxRssAnonBytes() / Fmt.MB).toList()));
            r.put("max_rss_file_mb", Stats.of(o.runs.stream().map(x -> x.maxRssFileBytes() / Fmt.MB).toList()));
            r.put("gc_collections", o.gcs.get(o.gcs.size() / 2).collections());
            Map<String, Object> steps = new LinkedHashMap<>();
            o.steps.forEach((k, v) -> steps.put(k, v));
            r.put("steps_s", steps);
            if (!wv.met()) s.note(wallNote(target, wall, floor, o));
            if (!rv.met()) s.note(memoryNote(target, rss, heap, committed, o, weightBytes));
        }
        return s;
    }

    /** Wall time and peak RSS of {@code formwork --version}: JVM start-up, class loading of the CLI, exit. */
    private void baseline(Map<String, Object> row, int warmup, int runs) throws IOException, InterruptedException {
        Path logs = cfg.work.resolve("logs");
        Files.createDirectories(logs);
        List<Double> wall = new ArrayList<>(), rss = new ArrayList<>();
        for (int i = 0; i < warmup + runs; i++) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(javaFlags());
            cmd.addAll(List.of("-jar", cfg.cliJar.toString(), "--version"));
            ProcessMeter.Run r = ProcessMeter.run(cmd, cfg.repo.toFile(), logs.resolve("version.out"), logs.resolve("version.err"));
            if (i < warmup) continue;
            wall.add(r.wallMs() / 1000);
            rss.add(r.peakRssBytes() / Fmt.MB);
        }
        row.put("command", "formwork --version");
        row.put("wall_s", Stats.of(wall));
        row.put("peak_rss_mb", Stats.of(rss));
    }

    List<String> javaFlags() {
        List<String> f = new ArrayList<>(launcher.flags());
        f.addAll(cfg.cliJavaOpts);
        return f;
    }

    private Outcome measure(String target, Path weights, int warmup, int runs) throws IOException, InterruptedException {
        Path out = cfg.work.resolve("convert").resolve(target);
        Path logs = cfg.work.resolve("logs");
        Files.createDirectories(out);
        Files.createDirectories(logs);
        List<ProcessMeter.Run> counted = new ArrayList<>();
        List<GcLog> gcs = new ArrayList<>();
        Map<String, List<Double>> steps = new LinkedHashMap<>();
        for (int i = 0; i < warmup + runs; i++) {
            Path gc = logs.resolve("convert-" + target + "-" + i + ".gc.log");
            Files.deleteIfExists(gc);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(javaFlags());
            cmd.add("-Xlog:gc,gc+heap+exit:file=" + gc);
            cmd.addAll(List.of("-jar", cfg.cliJar.toString(), "convert", MODEL, "--weights", weights.toString(), "--target", target,
                    "--out", out.toString()));
            ProcessMeter.Run r = ProcessMeter.run(cmd, cfg.repo.toFile(), logs.resolve("convert-" + target + "-" + i + ".out"),
                    logs.resolve("convert-" + target + "-" + i + ".err"));
            if (r.exitCode() != 0) {
                return new Outcome(target, counted, gcs, 0, null, Map.of(), "exit code " + r.exitCode() + ": " + lastLine(r.stderr()));
            }
            cfg.log.printf(Locale.ROOT, "bench:   %s run %d: %.2f s, peak RSS %.0f MB%n", i < warmup ? "warm-up" : "counted", i,
                    r.wallMs() / 1000, r.peakRssBytes() / Fmt.MB);
            if (i < warmup) continue;
            counted.add(r);
            gcs.add(GcLog.parse(gc));
            Matcher m = STEP.matcher(r.stderr());
            while (m.find()) steps.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Double.parseDouble(m.group(2)));
        }
        long bytes = Exports.size(out);
        IoFloor.Result floor = IoFloor.measure(weights, bytes, cfg.work.resolve("convert").resolve(".floor-scratch"), 5);
        Map<String, Stats> stepStats = new LinkedHashMap<>();
        steps.forEach((k, v) -> stepStats.put(k, Stats.of(v)));
        return new Outcome(target, counted, gcs, bytes, floor, stepStats, null);
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (!l.isEmpty() && !l.startsWith("WARNING: Using incubator")) return l;
        }
        return "(no output)";
    }

    /** Where the wall time went: the CLI's own per-step medians and what is left for JVM start-up and exit. */
    private static String wallNote(String target, Stats wall, Stats floor, Outcome o) {
        StringBuilder b = new StringBuilder("`--target " + target + "` wall " + Fmt.num(wall.median()) + " s vs floor "
                + Fmt.num(floor.median()) + " s (read " + Fmt.num(o.floor.readMs().median() / 1000) + " s + write "
                + Fmt.num(o.floor.writeMs().median() / 1000) + " s). Median per step from the CLI's progress lines: ");
        double sum = 0;
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Stats> e : o.steps.entrySet()) {
            parts.add(e.getKey() + " " + Fmt.num(e.getValue().median()) + " s");
            sum += e.getValue().median();
        }
        b.append(String.join(", ", parts));
        b.append("; outside the CLI's progress steps (JVM start-up and exit, and whatever the CLI does between its steps) ")
                .append(Fmt.num(wall.median() - sum)).append(" s (see the start-up baseline below).");
        return b.toString();
    }

    /** Where the memory went: heap occupancy and commitment next to the file-backed (mapped) part of the RSS. */
    private static String memoryNote(String target, Stats rss, Stats heap, Stats committed, Outcome o, long weightBytes) {
        double anon = Stats.of(o.runs.stream().map(x -> x.maxRssAnonBytes() / Fmt.MB).toList()).median();
        double file = Stats.of(o.runs.stream().map(x -> x.maxRssFileBytes() / Fmt.MB).toList()).median();
        GcLog g = o.gcs.get(o.gcs.size() / 2);
        return "`--target " + target + "` peak RSS " + Fmt.num(rss.median()) + " MB vs weights " + Fmt.mb(weightBytes) + " MB: largest "
                + "anonymous RSS " + Fmt.num(anon) + " MB (Java heap, native buffers), largest file-backed RSS " + Fmt.num(file)
                + " MB (mapped weight pages); peak heap occupancy " + Fmt.num(heap.median()) + " MB, committed up to "
                + Fmt.num(committed.median()) + " MB, " + g.collections() + " collections (" + Fmt.num(g.pauseMs()) + " ms paused).";
    }
}
