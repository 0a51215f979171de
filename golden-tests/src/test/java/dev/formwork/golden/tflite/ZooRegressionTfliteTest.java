package dev.formwork.golden.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.config.Family;
import dev.formwork.golden.GoldenData;
import dev.formwork.golden.RegressionGolden;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Comparison;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model at its real size (seeded random weights, default passes) through the tflite
 * target, run on the TFLite interpreter with XNNPACK, against the logits the reference
 * interpreter recorded in {@code regression/<model>.json} (fp32 rule); and the transpose budget
 * counted in each written file: at most 4 per V1 attention block, 6 per V2 one, none elsewhere.
 */
class ZooRegressionTfliteTest {
    static Stream<String> zoo() {
        return Models.zooNames().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void tfliteMatchesTheRecordedReferenceLogits(String model, @TempDir Path dir) throws Exception {
        RegressionGolden g = GoldenData.regression(model);
        LoadedModel m = Models.load(model, LoadOptions.defaults().withSeed(g.weightsSeed()).withBatch(g.inputShape()[0]));
        ExportOptions o = TfliteArtifacts.options(m);
        Graph rewritten = TfliteArtifacts.passes(m, "default", o);
        Path p = TfliteArtifacts.export(rewritten, o, dir);
        Comparison c = Comparison.of(TfliteArtifacts.run(p, g.input(), true, 0), g.expected());
        double bound = g.rel() * c.maxAbsReference() + g.abs();
        System.out.printf("%s tflite: max abs %.3g (bound %.3g)%n", model, c.maxAbs(), bound);
        assertTrue(c.maxAbs() <= bound, model + ": max abs " + c.maxAbs() + " > " + bound);
        assertEquals(1, c.top1Agree());

        int budget = m.config().family() == Family.V1 ? 4 : 6;
        Map<String, Integer> per = TfliteArtifacts.fileTransposes(p, TfliteArtifacts.attentionBlocks(rewritten));
        assertEquals(0, per.get(""), model + " transposes outside attention: " + per);
        per.forEach((block, n) -> assertTrue(n <= budget, model + " " + block + ": " + n + " transposes"));
    }
}
