package dev.formwork.runtimes.coreml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.exporters.coreml.MlProgramExporter;
import dev.formwork.exporters.coreml.NeuralNetworkExporter;
import dev.formwork.exporters.coreml.validate.CoreMlValidator;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Export a one-input graph to {@code .mlpackage} (fp32, and the default fp16 with fp16 compute)
 * and to {@code .mlmodel} (fp32), validate each, run it on the Core ML executor and compare with
 * the reference interpreter: fp32 within 1e-4 * max|ref| + 1e-5, fp16 at cosine >= 0.999.
 */
final class CoreMlHarness {
    private CoreMlHarness() {}

    static final ExportOptions FP32 = new ExportOptions().withPrecision(ExportOptions.Precision.FP32, true);

    static NdArray gaussian(int[] shape, long seed, float scale) {
        Random r = new Random(seed);
        float[] d = new float[(int) NdArray.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * scale;
        return NdArray.of(shape, d);
    }

    static Path export(Exporter e, Graph g, ExportOptions o, Path dir, String tag) {
        try {
            Path p = Files.createDirectories(dir.resolve(tag)).resolve(e.fileName(g.name()));
            e.check(g, o.withName(g.name()));
            e.write(g, o.withName(g.name()), p);
            return p;
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    static NdArray run(Path artifact, NdArray x, boolean fp16Compute) {
        assertEquals(java.util.List.of(), CoreMlValidator.violations(artifact), artifact.getFileName() + " validates");
        try (Session s = new CoreMlRuntime().open(artifact, RunOptions.defaults().withFp16Compute(fp16Compute))) {
            return s.run(x)[0];
        }
    }

    /** Checks the three artifacts of {@code g}, fed N(0, scale^2) input. */
    static void check(Graph g, Path dir, float scale) {
        GraphVerifier.verify(g);
        NdArray x = gaussian(g.input(0).shape().toArray(), 5, scale);
        NdArray ref = new Interpreter(g).run(x)[0];
        Object[][] cases = {
            {"mlpackage fp32", export(new MlProgramExporter(), g, FP32, dir, "mil32"), false},
            {"mlpackage fp16", export(new MlProgramExporter(), g, new ExportOptions(), dir, "mil16"), true},
            {"mlmodel fp32", export(new NeuralNetworkExporter(), g, FP32, dir, "nn32"), false},
        };
        for (Object[] c : cases) {
            NdArray y = run((Path) c[1], x, (boolean) c[2]);
            assertArrayEquals(ref.shape(), y.shape(), g.name() + " " + c[0] + ": shape");
            Comparison cmp = Comparison.of(y, ref);
            boolean ok = ((String) c[0]).endsWith("fp16") ? cmp.cosine() >= 0.999 : cmp.withinFp32();
            assertTrue(ok, g.name() + " " + c[0] + ": max abs " + cmp.maxAbs() + " of " + cmp.maxAbsReference() + ", cosine " + cmp.cosine());
        }
    }
}
