package dev.formwork.golden.tflite;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.tflite.TfliteReader;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Measurements of the tflite target, not a test:
 * {@code java -cp <golden-tests test classpath> dev.formwork.golden.tflite.MeasureTflite [RUNS] [MODEL...]}.
 * Per model (seed 0, batch 1, 224): file size and op histogram for fp32 and fp16 (passes
 * default and none), TRANSPOSE ops per attention block counted in the file, and the TFLite
 * latency with XNNPACK on one thread, passes default vs none (see {@link #latency}; RUNS 0 skips
 * the timing).
 */
public final class MeasureTflite {
    private MeasureTflite() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        String[] models = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"efficientformer-l1"};
        Path dir = Files.createTempDirectory("tflite-measure");
        for (String model : models) {
            LoadedModel m = Models.load(model, LoadOptions.defaults());
            NdArray x = SeededInput.gaussian(m.graph().input(0).shape().toArray(), 1);
            Map<String, Path> fp32 = new java.util.LinkedHashMap<>();
            for (String passes : new String[] {"default", "none"}) {
                for (ExportOptions.Precision prec : ExportOptions.Precision.values()) {
                    ExportOptions o = TfliteArtifacts.options(m).withName(model + "_" + passes).withPrecision(prec, true);
                    Graph g = TfliteArtifacts.passes(m, passes, o);
                    Path p = TfliteArtifacts.export(g, o, dir);
                    ArtifactInfo info = new TfliteReader().read(p);
                    Map<String, Integer> t = TfliteArtifacts.fileTransposes(p, TfliteArtifacts.attentionBlocks(g));
                    System.out.printf("%s passes %s %s: %,d bytes, %d ops, params %,d, MACs %,d%n  ops %s%n  transposes per block %s%n",
                            model, passes, prec, Files.size(p), info.ops().values().stream().mapToInt(Integer::intValue).sum(),
                            info.params(), info.macs(), info.ops(), t);
                    if (prec == ExportOptions.Precision.FP32) fp32.put(passes, p);
                }
            }
            if (runs > 0) latency(model, fp32, x, runs);
        }
    }

    /**
     * XNNPACK, one thread: the sessions are timed in alternation (A B A B ...) so that load from
     * other processes hits every variant alike; medians of {@code runs} timed runs each after 10
     * warm-up runs each.
     */
    static void latency(String model, Map<String, Path> variants, NdArray nchw, int runs) {
        NdArray in = ShapeOps.permute(nchw, TfliteArtifacts.TO_NHWC);
        List<String> names = new ArrayList<>(variants.keySet());
        List<Session> sessions = new ArrayList<>();
        try {
            for (String n : names) sessions.add(Runtimes.open(variants.get(n), RunOptions.defaults().withXnnpack(true).withThreads(1)));
            for (Session s : sessions) for (int i = 0; i < 10; i++) s.run(in);
            double[][] ms = new double[names.size()][runs];
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < sessions.size(); k++) {
                    long t0 = System.nanoTime();
                    sessions.get(k).run(in);
                    ms[k][r] = (System.nanoTime() - t0) / 1e6;
                }
            }
            for (int k = 0; k < names.size(); k++) {
                Arrays.sort(ms[k]);
                System.out.printf("%s passes %s: XNNPACK 1 thread median %.2f ms (min %.2f) of %d runs%n", model, names.get(k),
                        ms[k][runs / 2], ms[k][0], runs);
            }
        } finally {
            for (Session s : sessions) s.close();
        }
    }
}
