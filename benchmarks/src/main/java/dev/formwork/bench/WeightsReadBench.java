package dev.formwork.bench;

import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.ir.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Section "weights": how long reading L7's .safetensors takes in process, split into opening it
 * (header parse, layout validation, per-tensor mappings) and one pass over every tensor's bytes
 * through the views the builders get. The file is the seeded checkpoint the conversion section
 * uses, read once beforehand so both parts time the page cache, not the disk.
 */
final class WeightsReadBench {
    private static final String MODEL = "efficientformer-l7";
    private final BenchConfig cfg;

    WeightsReadBench(BenchConfig cfg) {
        this.cfg = cfg;
    }

    Section run() throws IOException {
        Path weights = cfg.work.resolve(MODEL + ".safetensors");
        long bytes = Files.isRegularFile(weights) ? Files.size(weights) : Checkpoint.write(weights, MODEL, 0, cfg.log);
        int warmup = cfg.warmup(2, 1), runs = cfg.runs(10, 3);
        List<Double> open = new ArrayList<>(), scan = new ArrayList<>();
        double checksum = 0;
        for (int i = 0; i < warmup + runs; i++) {
            long t0 = System.nanoTime();
            SafetensorsFile f = SafetensorsFile.open(weights);
            long t1 = System.nanoTime();
            for (String k : f.keys()) checksum += sum(f.tensor(k));
            long t2 = System.nanoTime();
            if (i < warmup) continue;
            open.add((t1 - t0) / 1e6);
            scan.add((t2 - t1) / 1e6);
        }
        Section s = new Section("weights", "5. Reading L7's weights (.safetensors)");
        s.method("In the harness process: `SafetensorsFile.open` on the seeded random L7 checkpoint (" + Fmt.num(bytes / Fmt.MB)
                + " MB, the conversion section's file), then every tensor's view read once end to end; " + warmup
                + " warm-up run(s), then " + runs + " counted runs; median, min and max of wall time.");
        Table t = s.table("weights", "Reading L7's weights (ms)")
                .column("step", "step")
                .column("ms", "ms (median)", Fmt.median())
                .column("ms", "min", Fmt.min())
                .column("ms", "max", Fmt.max());
        Map<String, Object> r = t.row();
        r.put("step", "open (header, validation, mappings)");
        r.put("ms", Stats.of(open));
        r = t.row();
        r.put("step", "read every tensor once");
        r.put("ms", Stats.of(scan));
        s.extra().put("checksum", checksum);
        return s;
    }

    /** Sums the bytes as longs: touches every page of the view without depending on its dtype. */
    private static double sum(Tensor t) {
        ByteBuffer b = t.data().duplicate();
        long acc = 0;
        while (b.remaining() >= 8) acc += b.getLong();
        while (b.hasRemaining()) acc += b.get();
        return acc;
    }
}
