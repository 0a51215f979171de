package dev.formwork.golden.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.Digests;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.savedmodel.SavedModelReader;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.golden.GoldenData;
import dev.formwork.golden.RegressionGolden;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Comparison;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EfficientFormer-L1 at 224 (seeded random weights) through the savedmodel target on TensorFlow
 * Java against the logits the reference interpreter recorded in {@code regression/efficientformer-l1.json}:
 * fp32 within 5e-5 max abs, fp16 weights by cosine and top-1, the V1 transpose budget.
 */
class ZooSavedModelTest {
    private static RegressionGolden golden;
    private static LoadedModel l1;

    @BeforeAll
    static void load() {
        golden = GoldenData.regression("efficientformer-l1");
        l1 = Models.load("efficientformer-l1", LoadOptions.defaults().withSeed(golden.weightsSeed()).withBatch(golden.inputShape()[0]));
    }

    @Test
    void l1Fp32MatchesTheRecordedLogits(@TempDir Path dir) throws Exception {
        ExportOptions o = SavedModelArtifacts.options(l1);
        Graph g = SavedModelArtifacts.passes(l1, "default", o);
        Path p = SavedModelArtifacts.export(g, o, dir);
        Comparison c = Comparison.of(SavedModelArtifacts.run(p, golden.input(), 1), golden.expected());
        var info = new SavedModelReader().read(p);
        System.out.printf("savedmodel L1: max abs %.3g of max|ref| %.3g; %,d bytes; %,d params; %,d MACs; ops %s%n", c.maxAbs(), c.maxAbsReference(),
                Digests.size(p), info.params(), info.macs(), info.ops());
        assertEquals(g.macs(), info.macs(), "MACs read back from the file");
        assertTrue(c.maxAbs() <= 5e-5, "L1: max abs " + c.maxAbs());
        assertEquals(1, c.top1Agree());
        Map<String, Integer> per = SavedModelArtifacts.fileTransposes(p, SavedModelArtifacts.attentionBlocks(g));
        assertEquals(0, per.get(""), per.toString());
        per.forEach((b, n) -> assertTrue(n <= 4, b + ": " + n));
    }

    @Test
    void l1Fp16KeepsCosineAndTop1(@TempDir Path dir) throws Exception {
        ExportOptions o = SavedModelArtifacts.options(l1).withPrecision(ExportOptions.Precision.FP16, true);
        Path p = SavedModelArtifacts.export(SavedModelArtifacts.passes(l1, "default", o), o, dir);
        Comparison c = Comparison.of(SavedModelArtifacts.run(p, golden.input(), 1), golden.expected());
        System.out.printf("savedmodel L1 fp16: cosine %.7f, max abs %.3g, top-1 %d/%d, %,d bytes%n", c.cosine(), c.maxAbs(), c.top1Agree(), c.rows(), Digests.size(p));
        assertTrue(c.withinFp16(), "L1 fp16: cosine " + c.cosine());
    }
}
