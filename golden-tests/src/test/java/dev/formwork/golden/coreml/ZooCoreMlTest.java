package dev.formwork.golden.coreml;

import dev.formwork.golden.GoldenData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.golden.RegressionGolden;
import dev.formwork.ir.interp.Comparison;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model at its real size with seeded random weights, in both Core ML formats (fp32),
 * run on the Core ML executor against the logits the reference interpreter recorded in
 * {@code regression/<model>.json} (fp32 rule: 1e-4 * max|ref| + 1e-5), plus the default fp16
 * ML Program at cosine >= 0.999 and the same top-1.
 */
class ZooCoreMlTest {
    static Stream<String> zoo() {
        return Models.zooNames().stream();
    }


    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void executorMatchesTheRecordedReferenceLogits(String model, @TempDir Path dir) throws Exception {
        RegressionGolden g = GoldenData.regression(model);
        LoadedModel m = Models.load(model, LoadOptions.defaults().withSeed(g.weightsSeed()).withBatch(g.inputShape()[0]));
        assertArrayEquals(g.inputShape(), m.graph().input(0).shape().toArray());
        ExportOptions fp32 = CoreMlArtifacts.options(m, CoreMlArtifacts.FP32);
        Path[] artifacts = {CoreMlArtifacts.mlpackage(m.graph(), fp32, dir, "mil"), CoreMlArtifacts.mlmodel(m.graph(), fp32, dir, "nn")};
        for (Path p : artifacts) {
            Comparison c = Comparison.of(CoreMlArtifacts.run(p, g.input(), false), g.expected());
            double bound = g.rel() * c.maxAbsReference() + g.abs();
            System.out.printf("%s %s: max abs %.3g (bound %.3g)%n", model, p.getFileName(), c.maxAbs(), bound);
            assertTrue(c.maxAbs() <= bound, model + " " + p.getFileName() + ": max abs " + c.maxAbs() + " > " + bound);
            assertEquals(1, c.top1Agree());
        }
        Path half = CoreMlArtifacts.mlpackage(m.graph(), CoreMlArtifacts.options(m, new ExportOptions()), dir, "fp16");
        Comparison c = Comparison.of(CoreMlArtifacts.run(half, g.input(), true), g.expected());
        System.out.printf("%s fp16 ML Program: cosine %.6f%n", model, c.cosine());
        assertTrue(c.cosine() >= 0.999, model + " fp16 cosine " + c.cosine());
        assertEquals(1, c.top1Agree(), model + " fp16 top-1");
    }
}
