package dev.formwork.bench;

import dev.formwork.ir.kernels.Gemm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The benchmark harness behind {@code ./bench}: runs the selected sections in order and writes
 * BENCHMARKS.md and benchmarks.json. Options: {@code --quick}, {@code --sections
 * conversion,checkpoint,passes,latency,engines,savedmodel,release,weights,onnx-import}, {@code --repo DIR}, {@code --cli-jar JAR}, {@code --work DIR}
 * (scratch, default bench-out/), {@code --out DIR} (default the repository root),
 * {@code --command TEXT} (the command line recorded in the report). Must run with
 * {@code --add-modules jdk.incubator.vector}: the engines section times the interpreter's
 * vectorised GEMM, and a scalar fallback would publish the wrong figure.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        BenchConfig cfg;
        try {
            cfg = BenchConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!Gemm.vectorised()) {
            System.err.println("bench: the Vector API is not enabled; run the harness with --add-modules jdk.incubator.vector");
            System.exit(2);
        }
        if ((cfg.sections.contains("conversion") || cfg.sections.contains("checkpoint") || cfg.sections.contains("release")) && !Files.isRegularFile(cfg.cliJar)) {
            System.err.println("bench: " + cfg.cliJar + " not found; build it with mvn -B -DskipTests -pl cli -am package");
            System.exit(2);
        }
        Files.createDirectories(cfg.work);
        long t0 = System.nanoTime();
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        Report report = new Report(MachineInfo.collect(cfg.repo), date, cfg.command, cfg.quick, cfg.sections, MachineInfo.loadAverage());
        boolean failed = false;
        for (String id : cfg.sections) {
            long s0 = System.nanoTime();
            CpuShare.Snapshot c0 = CpuShare.now();
            Section s;
            try {
                s = switch (id) {
                    case "conversion" -> new ConversionBench(cfg).run();
                    case "checkpoint" -> new CheckpointBench(cfg).run();
                    case "passes" -> new PassBench(cfg).run();
                    case "latency" -> new LatencyBench(cfg).run();
                    case "engines" -> new EngineBench(cfg).run();
                    case "savedmodel" -> new SavedModelBench(cfg).run();
                    case "release" -> new ReleaseBench(cfg).run();
                    case "weights" -> new WeightsReadBench(cfg).run();
                    case "onnx-import" -> new OnnxImportBench(cfg).run();
                    default -> throw new IllegalStateException(id);
                };
            } catch (Exception | OutOfMemoryError e) {
                failed = true;
                StringWriter sw = new StringWriter();
                e.printStackTrace(new PrintWriter(sw));
                cfg.log.println("bench: section " + id + " failed:\n" + sw);
                s = new Section(id, id + " (failed)");
                s.note("This section failed: " + e + " -- see the harness output for the stack trace.");
            }
            s.setSeconds((System.nanoTime() - s0) / 1e9);
            s.setCpu(CpuShare.between(c0, CpuShare.now()));
            cfg.log.printf("bench: section %s took %.1f s; other processes used %.0f%% of the CPUs meanwhile%n", id, s.seconds(),
                    100 * s.cpu().others());
            report.sections.add(s);
            System.gc();
        }
        report.seconds = (System.nanoTime() - t0) / 1e9;
        report.loadEnd = MachineInfo.loadAverage();
        report.write(cfg.outDir);
        cfg.log.printf("bench: wrote %s and %s (%.1f min)%n", cfg.outDir.resolve("BENCHMARKS.md"), cfg.outDir.resolve("benchmarks.json"),
                report.seconds / 60);
        System.exit(failed ? 1 : 0);
    }
}
