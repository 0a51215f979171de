package dev.formwork.golden.coreml;

import dev.formwork.golden.GoldenData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.coreml.MlProgramExporter;
import dev.formwork.exporters.coreml.NeuralNetworkExporter;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Comparison;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three golden cases (real weights, float64-derived logits) exported to both Core ML formats
 * and run on Formwork's Core ML executor: float32 exports within the README's bounds (2e-5 for
 * the tiny cases, 5e-5 for s0_224), the default fp16 ML Program, run with fp16 compute, at
 * cosine >= 0.999 with the same top-1 on every batch item. Each both as loaded (--passes none:
 * BatchNorm, Gather and friends reach the writers) and after the default pipeline.
 */
class GoldenCasesCoreMlTest {



    @ParameterizedTest(name = "{0} passes={1}")
    @CsvSource({"tiny_v1_64, false, 2e-5", "tiny_v1_64, true, 2e-5", "tiny_v2_64, false, 2e-5", "tiny_v2_64, true, 2e-5",
        "s0_224, false, 5e-5", "s0_224, true, 5e-5"})
    void float32ExportsMatchTheGoldenLogits(String golden, boolean passes, double bound, @TempDir Path dir) throws Exception {
        LoadedModel m = GoldenData.load(golden);
        ExportOptions o = CoreMlArtifacts.options(m, CoreMlArtifacts.FP32);
        Graph mil = CoreMlArtifacts.graph(m, new MlProgramExporter(), o, passes);
        Comparison c = Comparison.of(CoreMlArtifacts.run(CoreMlArtifacts.mlpackage(mil, o, dir, "mil"), GoldenData.input(golden), false), GoldenData.expected(golden));
        System.out.printf("%s passes=%s ML Program fp32: max abs %.3g%n", golden, passes, c.maxAbs());
        assertTrue(c.maxAbs() <= bound, golden + " ML Program fp32: max abs " + c.maxAbs() + " > " + bound);
        assertEquals(c.rows(), c.top1Agree());
        Graph nn = CoreMlArtifacts.graph(m, new NeuralNetworkExporter(), o, passes);
        Comparison n = Comparison.of(CoreMlArtifacts.run(CoreMlArtifacts.mlmodel(nn, o, dir, "nn"), GoldenData.input(golden), false), GoldenData.expected(golden));
        System.out.printf("%s passes=%s NeuralNetwork: max abs %.3g%n", golden, passes, n.maxAbs());
        assertTrue(n.maxAbs() <= bound, golden + " NeuralNetwork: max abs " + n.maxAbs() + " > " + bound);
        assertEquals(n.rows(), n.top1Agree());
    }

    @ParameterizedTest(name = "{0} passes={1}")
    @CsvSource({"tiny_v1_64, false", "tiny_v2_64, false", "s0_224, false", "s0_224, true"})
    void defaultFp16MlProgramKeepsCosineAndTop1(String golden, boolean passes, @TempDir Path dir) throws Exception {
        LoadedModel m = GoldenData.load(golden);
        ExportOptions o = CoreMlArtifacts.options(m, new ExportOptions());
        Graph g = CoreMlArtifacts.graph(m, new MlProgramExporter(), o, passes);
        Path p = CoreMlArtifacts.mlpackage(g, o, dir, "fp16");
        Comparison c = Comparison.of(CoreMlArtifacts.run(p, GoldenData.input(golden), true), GoldenData.expected(golden));
        System.out.printf("%s passes=%s ML Program fp16 (fp16 compute): cosine %.6f, max abs %.3g%n", golden, passes, c.cosine(), c.maxAbs());
        assertTrue(c.cosine() >= 0.999, golden + " fp16 cosine " + c.cosine());
        assertEquals(c.rows(), c.top1Agree(), golden + " fp16 top-1");
    }
}
