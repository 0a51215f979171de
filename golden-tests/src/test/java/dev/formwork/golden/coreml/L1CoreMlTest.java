package dev.formwork.golden.coreml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.coreml.CoreMlReader;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.golden.RecordRegressionGoldens;
import dev.formwork.ir.interp.SeededInput;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import java.nio.file.Path;
import dev.formwork.exporters.coreml.MlProgramExporter;
import dev.formwork.exporters.coreml.NeuralNetworkExporter;
import dev.formwork.ir.Graph;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EfficientFormer-L1 at 224 with seeded random weights in both Core ML formats and both
 * precisions, run on the Core ML executor against the reference interpreter: float32 within
 * 1e-4 * max|ref| + 1e-5, fp16 (with fp16 compute for the ML Program) at cosine >= 0.999 and the
 * same top-1; as loaded and after the default pipeline. Prints each artifact's op histogram and size.
 */
class L1CoreMlTest {
    @ParameterizedTest(name = "passes={0}")
    @ValueSource(booleans = {false, true})
    void l1InBothFormatsAndPrecisions(boolean passes, @TempDir Path dir) throws Exception {
        LoadedModel m = Models.load("efficientformer-l1", LoadOptions.defaults().withSeed(RecordRegressionGoldens.WEIGHTS_SEED));
        NdArray x = SeededInput.gaussian(new int[] {1, 3, 224, 224}, 42);
        NdArray ref = new Interpreter(m.graph()).run(x)[0];
        CoreMlReader reader = new CoreMlReader();
        ExportOptions fp32 = CoreMlArtifacts.options(m, CoreMlArtifacts.FP32);
        ExportOptions fp16Default = CoreMlArtifacts.options(m, new ExportOptions());
        ExportOptions fp16Explicit = CoreMlArtifacts.options(m, new ExportOptions().withPrecision(ExportOptions.Precision.FP16, true));
        Graph mil = CoreMlArtifacts.graph(m, new MlProgramExporter(), fp32, passes);
        Graph nn = CoreMlArtifacts.graph(m, new NeuralNetworkExporter(), fp32, passes);
        Object[][] cases = {
            {"ML Program fp32", CoreMlArtifacts.mlpackage(mil, fp32, dir, "mil32"), false},
            {"ML Program fp16", CoreMlArtifacts.mlpackage(mil, fp16Default, dir, "mil16"), true},
            {"NeuralNetwork fp32", CoreMlArtifacts.mlmodel(nn, fp32, dir, "nn32"), false},
            {"NeuralNetwork fp16", CoreMlArtifacts.mlmodel(nn, fp16Explicit, dir, "nn16"), false},
        };
        for (Object[] c : cases) {
            String what = (String) c[0];
            Path p = (Path) c[1];
            boolean fp16Compute = (boolean) c[2];
            Comparison cmp = Comparison.of(CoreMlArtifacts.run(p, x, fp16Compute), ref);
            ArtifactInfo info = reader.read(p);
            System.out.printf("L1 passes=" + passes + " %s: %d bytes, params %d, macs %d, ops %s, details %s; vs reference: max abs %.3g (scale %.3g), cosine %.6f%n",
                    what, CoreMlArtifacts.size(p), info.params(), info.macs(), info.ops(), info.details(), cmp.maxAbs(), cmp.maxAbsReference(), cmp.cosine());
            assertEquals((what.startsWith("ML") ? mil : nn).macs(), info.macs(), what + " MACs read back");
            if (what.endsWith("fp32")) {
                assertTrue(cmp.withinFp32(), what + ": max abs " + cmp.maxAbs() + " vs scale " + cmp.maxAbsReference());
            } else {
                assertTrue(cmp.cosine() >= 0.999, what + " cosine " + cmp.cosine());
            }
            assertEquals(1, cmp.top1Agree(), what + " top-1");
        }
    }
}
