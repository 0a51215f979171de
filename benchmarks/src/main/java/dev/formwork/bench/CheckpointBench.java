package dev.formwork.bench;

import dev.formwork.frontends.config.Zoo;
import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.frontends.weights.torch.TorchCheckpoint;
import dev.formwork.frontends.weights.torch.TorchSaveWriter;
import dev.formwork.ir.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section: {@code formwork convert efficientformer-l7 --weights L7.pth --target T} as a whole
 * process, from a PyTorch checkpoint in the zip and in the legacy layout, with the safetensors
 * file of the same weights as the comparison row. TFLite is the main target because its
 * exporter's own heap is the smallest, so the figure shows the reader; one ONNX row shows the
 * largest exporter on top. Measures what the checkpoint reader costs: the
 * peak heap of the conversion against the weight bytes + 150 MB (storages must stay mapped, not
 * copied into the heap), and the load time against reading the file once ({@link IoFloor}). The
 * load is timed in this process, median of several runs: opening the file and returning every
 * tensor of the state dict ready to use (unpickled, storages mapped, zip CRCs checked, which reads
 * every byte once). The CLI's "building" step (load plus graph construction) is shown beside it.
 *
 * <p>The checkpoints hold the seeded random L7 state dict of {@link Checkpoint} (timm names, F32
 * and I64) under {@code model}, written in Java by {@link TorchSaveWriter}, so the bench needs no
 * torch.
 */
final class CheckpointBench {
    static final String MODEL = ConversionBench.MODEL;
    static final double HEAP_SLACK = 150 * Fmt.MB;
    static final double LOAD_LIMIT = 2.0;
    static final int LOAD_RUNS = 5;
    private static final Pattern BUILDING = Pattern.compile("^\\s+building \\S+ \\.\\.\\. ([0-9.]+) s$", Pattern.MULTILINE);

    private final BenchConfig cfg;
    private final ConversionBench conversion;

    CheckpointBench(BenchConfig cfg) {
        this.cfg = cfg;
        this.conversion = new ConversionBench(cfg);
    }

    Section run() throws Exception {
        Section s = new Section("checkpoint", "PyTorch checkpoints: `convert " + MODEL + " --weights L7.pth` (peak heap and load time)");
        long t0 = System.nanoTime();
        Map<String, Tensor> sd = Checkpoint.record(Zoo.get(MODEL), MODEL, 0);
        Map<String, TorchSaveWriter.Stored> stored = TorchSaveWriter.stored(sd);
        Path zip = cfg.work.resolve(MODEL + ".pth"), legacy = cfg.work.resolve(MODEL + "-legacy.pth");
        Path safetensors = cfg.work.resolve(MODEL + ".safetensors");
        Files.createDirectories(cfg.work);
        long zipBytes = TorchSaveWriter.writeZip(zip, stored, "model");
        TorchSaveWriter.writeLegacy(legacy, stored, "model");
        stored = null;
        sd = null;
        long weightBytes = Checkpoint.write(safetensors, MODEL, 0, cfg.log);
        cfg.log.printf(Locale.ROOT, "bench: wrote %s and %s in %.1f s%n", zip, legacy, (System.nanoTime() - t0) / 1e9);
        int warmup = cfg.warmup(1, 0), runs = cfg.runs(3, 1);

        s.method("Each row runs `java " + String.join(" ", conversion.javaFlags()) + " -jar cli/target/formwork-cli.jar convert " + MODEL
                + " --weights FILE --target T --out bench-out/checkpoint/ROW` as a child process with a GC log, JVM flags as in the "
                + "conversion section. The files hold the same seeded random L7 state dict (" + Fmt.mb(weightBytes) + " MB of tensor data, "
                + "timm names, F32 + I64): `zip` and `legacy` are torch.save layouts (`{\"model\": state_dict}`; zip records 64-byte aligned, "
                + "protocol 2 pickle) written by Formwork's own writer, `safetensors` is the comparison. TFLite is the target whose exporter "
                + "keeps the least on the heap, so those rows show what reading the checkpoint adds; the ONNX row adds that exporter's "
                + "(the conversion section has the same target from safetensors).");
        s.method(warmup + " warm-up run(s), then " + runs + " counted runs per row; median, min and max. Peak heap: the largest heap "
                + "occupancy in the child's `-Xlog:gc,gc+heap+exit` log; target <= weight bytes + 150 MB = " + Fmt.mb(weightBytes + HEAP_SLACK)
                + " MB. Load time: in the harness, right after the row (warm page cache), the reader opening the file and returning every "
                + "tensor of the state dict ready to use (`TorchCheckpoint.read`: unpickle, map the storages, check the zip CRCs, which reads "
                + "every byte once; `SafetensorsFile.open` plus a view of each tensor for the comparison row), one warm-up then median of "
                + LOAD_RUNS + "; against reading the same file once through a FileChannel (median of 5); target ratio <= " + Fmt.num(LOAD_LIMIT)
                + "x. The CLI's `building` progress step (the load plus building the graph) is shown beside it.");

        Table t = s.table("checkpoint", "Conversion of " + MODEL + " from a checkpoint (tensor data " + Fmt.mb(weightBytes) + " MB)")
                .column("row", "weights")
                .column("target", "--target")
                .column("file_bytes", "file MB", Fmt::mb)
                .column("peak_heap_mb", "peak heap MB (median)", Fmt.median())
                .column("peak_heap_mb", "min", Fmt.min())
                .column("peak_heap_mb", "max", Fmt.max())
                .column("heap_verdict", "peak heap vs weights + 150 MB")
                .column("load_s", "load s (median)", Fmt.median())
                .column("load_s", "min", Fmt.min())
                .column("load_s", "max", Fmt.max())
                .column("read_s", "read once s", Fmt.median())
                .column("load_verdict", "load vs read once")
                .column("building_s", "CLI building s", Fmt.median())
                .column("wall_s", "convert wall s", Fmt.median());

        for (String[] row : List.of(new String[] {"zip", zip.toString(), "tflite"}, new String[] {"legacy", legacy.toString(), "tflite"},
                new String[] {"safetensors", safetensors.toString(), "tflite"}, new String[] {"zip", zip.toString(), "onnx"})) {
            cfg.log.println("bench: checkpoint " + row[0] + " --target " + row[2]);
            Path file = Path.of(row[1]);
            Map<String, Object> r = t.row();
            r.put("row", row[0]);
            r.put("target", row[2]);
            r.put("file_bytes", Files.size(file));
            List<Double> heap = new ArrayList<>(), building = new ArrayList<>(), wall = new ArrayList<>();
            String error = measure(row[0] + "-" + row[2], file, row[2], warmup, runs, heap, building, wall);
            if (error != null) {
                r.put("heap_verdict", "failed: " + error);
                s.note("`" + row[0] + "` did not run: " + error);
                continue;
            }
            IoFloor.Result floor = IoFloor.measure(file, 0, cfg.work.resolve("checkpoint").resolve(".floor-scratch"), 5);
            Stats heapStats = Stats.of(heap), loadStats = loadSeconds(file), read = floor.readMs().map(ms -> ms / 1000);
            Verdict hv = new Verdict("peak heap", heapStats.median(), (weightBytes + HEAP_SLACK) / Fmt.MB, " MB");
            Verdict lv = new Verdict("load/read", loadStats.median() / read.median(), LOAD_LIMIT, "x");
            r.put("peak_heap_mb", heapStats);
            r.put("heap_verdict", hv);
            r.put("load_s", loadStats);
            r.put("read_s", read);
            r.put("load_verdict", lv);
            r.put("building_s", Stats.of(building));
            r.put("wall_s", Stats.of(wall));
        }
        s.note("zip file " + Fmt.mb(zipBytes) + " MB. The CLI's building step includes constructing the graph from the weights, which a "
                + "safetensors load pays as well (its row).");
        return s;
    }

    /** The reader's time to hand out every tensor of the file, one warm-up then {@link #LOAD_RUNS} counted runs. */
    private static Stats loadSeconds(Path file) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i <= LOAD_RUNS; i++) {
            long t0 = System.nanoTime();
            int n = 0;
            if (file.toString().endsWith(".safetensors")) {
                SafetensorsFile f = SafetensorsFile.open(file);
                for (String k : f.keys()) n += f.tensor(k).shape().rank() >= 0 ? 1 : 0;
            } else {
                n = TorchCheckpoint.read(file).tensors().size();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (n == 0) throw new IllegalStateException(file + ": no tensors");
            if (i > 0) out.add(s);
        }
        return Stats.of(out);
    }

    private String measure(String row, Path weights, String target, int warmup, int runs, List<Double> heap, List<Double> building, List<Double> wall)
            throws IOException, InterruptedException {
        Path out = cfg.work.resolve("checkpoint").resolve(row);
        Path logs = cfg.work.resolve("logs");
        Files.createDirectories(out);
        Files.createDirectories(logs);
        for (int i = 0; i < warmup + runs; i++) {
            Path gc = logs.resolve("checkpoint-" + row + "-" + i + ".gc.log");
            Files.deleteIfExists(gc);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(conversion.javaFlags());
            cmd.add("-Xlog:gc,gc+heap+exit:file=" + gc);
            cmd.addAll(List.of("-jar", cfg.cliJar.toString(), "convert", MODEL, "--weights", weights.toString(), "--target", target,
                    "--out", out.toString()));
            ProcessMeter.Run r = ProcessMeter.run(cmd, cfg.repo.toFile(), logs.resolve("checkpoint-" + row + "-" + i + ".out"),
                    logs.resolve("checkpoint-" + row + "-" + i + ".err"));
            if (r.exitCode() != 0) return "exit code " + r.exitCode() + ": " + r.stderr().strip().lines().reduce((a, b) -> b).orElse("");
            Matcher m = BUILDING.matcher(r.stderr());
            if (!m.find()) return "no `building` progress line in the CLI's output";
            double step = Double.parseDouble(m.group(1));
            cfg.log.printf(Locale.ROOT, "bench:   %s run %d: building %.2f s, wall %.2f s%n", i < warmup ? "warm-up" : "counted", i, step,
                    r.wallMs() / 1000);
            if (i < warmup) continue;
            heap.add(GcLog.parse(gc).peakUsedBytes() / Fmt.MB);
            building.add(step);
            wall.add(r.wallMs() / 1000);
        }
        return null;
    }
}
