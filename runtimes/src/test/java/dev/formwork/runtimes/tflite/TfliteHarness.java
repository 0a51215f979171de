package dev.formwork.runtimes.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.tflite.TfliteExporter;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.runtimes.RunOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Export a graph, run it on TFLite (XNNPACK on and off), compare with the reference interpreter. */
final class TfliteHarness {
    static final int[] TO_NHWC = {0, 2, 3, 1};
    static final int[] TO_NCHW = {0, 3, 1, 2};

    private TfliteHarness() {}

    static Path export(Graph g, ExportOptions o, Path dir) {
        try {
            Path p = dir.resolve(o.name() + ".tflite");
            new TfliteExporter().write(g, o, p);
            return p;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static NdArray gaussian(int[] shape, long seed, boolean positive) {
        Random r = new Random(seed);
        float[] d = new float[(int) NdArray.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = positive ? 0.1f + Math.abs((float) r.nextGaussian()) : (float) r.nextGaussian();
        return NdArray.of(shape, d);
    }

    static NdArray[] run(Path model, NdArray[] in, boolean xnnpack, int threads) {
        try (TfliteSession s = (TfliteSession) new TfliteRuntimeAdapter().open(model, RunOptions.defaults().withXnnpack(xnnpack).withThreads(threads))) {
            return s.run(in);
        }
    }

    /** Exports {@code g} (NCHW) and checks TFLite, with and without XNNPACK, against the interpreter; returns the worst error. */
    static double check(Graph g, Path dir, ExportOptions o, boolean positiveInput) {
        GraphVerifier.verify(g);
        NdArray[] x = new NdArray[g.inputs().size()];
        for (int i = 0; i < x.length; i++) x[i] = gaussian(g.input(i).shape().toArray(), 7 + i, positiveInput);
        NdArray[] ref = new Interpreter(g).run(x);
        Path p = export(g, o, dir);
        boolean nhwc = o.tfliteInput().equals("nhwc");
        NdArray[] fed = new NdArray[x.length];
        for (int i = 0; i < x.length; i++) fed[i] = nhwc && x[i].rank() == 4 ? ShapeOps.permute(x[i], TO_NHWC) : x[i];
        double worst = 0;
        for (boolean xnn : new boolean[] {true, false}) {
            NdArray[] got = run(p, fed, xnn, 1);
            for (int i = 0; i < ref.length; i++) {
                NdArray y = nhwc && got[i].rank() == 4 ? ShapeOps.permute(got[i], TO_NCHW) : got[i];
                assertArrayEquals(ref[i].shape(), y.shape(), "output shape");
                Comparison c = Comparison.of(y, ref[i]);
                assertTrue(o.precision() == ExportOptions.Precision.FP16 ? c.withinFp16() : c.withinFp32(),
                        g.name() + (xnn ? " xnnpack" : " builtin") + ": max abs " + c.maxAbs() + " of " + c.maxAbsReference());
                worst = Math.max(worst, c.relativeToScale());
            }
        }
        return worst;
    }

    static double check(Graph g, Path dir) {
        return check(g, dir, new ExportOptions().withName(g.name()), false);
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
