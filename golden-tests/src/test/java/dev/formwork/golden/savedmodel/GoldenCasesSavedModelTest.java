package dev.formwork.golden.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.Digests;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.savedmodel.SavedModelReader;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.golden.GoldenData;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The golden cases (real weights, stored inputs, float64-derived logits) through the savedmodel
 * target on TensorFlow Java at the README's float32 bounds (2e-5 tiny, 5e-5 s0_224); fp16
 * weights by cosine and top-1; Transpose nodes counted in the written graph (the TFLite budget:
 * V1 <= 4, V2 <= 6 per attention block, none elsewhere); the NCHW interface; identical folders.
 */
class GoldenCasesSavedModelTest {
    @ParameterizedTest(name = "{0} passes {1}")
    @CsvSource({
        "tiny_v1_64, default, 2e-5", "tiny_v1_64, none, 2e-5",
        "tiny_v2_64, default, 2e-5", "tiny_v2_64, none, 2e-5",
        "s0_224, default, 5e-5",
    })
    void fp32MatchesTheGoldenLogits(String golden, String passes, double bound, @TempDir Path dir) throws Exception {
        LoadedModel m = GoldenData.load(golden);
        ExportOptions o = SavedModelArtifacts.options(m);
        Graph g = SavedModelArtifacts.passes(m, passes, o);
        Path p = SavedModelArtifacts.export(g, o, dir);
        Comparison c = Comparison.of(SavedModelArtifacts.run(p, GoldenData.input(golden), 1), GoldenData.expected(golden));
        System.out.printf("savedmodel %s passes %s: max abs %.3g (bound %.0e)%n", golden, passes, c.maxAbs(), bound);
        assertTrue(c.maxAbs() <= bound, golden + ": max abs " + c.maxAbs() + " > " + bound);
        assertEquals(c.rows(), c.top1Agree());

        int budget = golden.contains("v1") ? 4 : 6;
        Map<String, Integer> per = SavedModelArtifacts.fileTransposes(p, SavedModelArtifacts.attentionBlocks(g));
        assertEquals(0, per.get(""), "transposes outside attention: " + per);
        per.forEach((block, n) -> assertTrue(n <= budget, block + ": " + n + " transposes > " + budget));
        assertTrue(per.size() > 1, "found attention blocks");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tiny_v1_64", "tiny_v2_64", "s0_224"})
    void fp16WeightsKeepCosineAndTop1(String golden, @TempDir Path dir) throws Exception {
        LoadedModel m = GoldenData.load(golden);
        ExportOptions o = SavedModelArtifacts.options(m).withPrecision(ExportOptions.Precision.FP16, true);
        Path p = SavedModelArtifacts.export(SavedModelArtifacts.passes(m, "default", o), o, dir);
        Comparison c = Comparison.of(SavedModelArtifacts.run(p, GoldenData.input(golden), 1), GoldenData.expected(golden));
        System.out.printf("savedmodel %s fp16: cosine %.7f, max abs %.3g, top-1 %d/%d, %d bytes%n", golden, c.cosine(), c.maxAbs(),
                c.top1Agree(), c.rows(), Digests.size(p));
        assertTrue(c.withinFp16(), golden + " fp16: cosine " + c.cosine() + ", top-1 " + c.top1Agree() + "/" + c.rows());
        var info = new SavedModelReader().read(p);
        assertTrue(info.ops().getOrDefault("Cast", 0) > 0, "half weights cast at load: " + info.ops());
        assertEquals(dev.formwork.ir.DType.FLOAT32, info.inputs().get(0).dtype(), "float32 I/O");
    }

    @Test
    void nchwInterfaceAddsOneLeadingTranspose(@TempDir Path dir) throws Exception {
        for (String golden : new String[] {"tiny_v1_64", "tiny_v2_64"}) {
            LoadedModel m = GoldenData.load(golden);
            ExportOptions o = SavedModelArtifacts.options(m).withTfInput("nchw");
            Graph g = SavedModelArtifacts.passes(m, "default", o);
            Path p = SavedModelArtifacts.export(g, o, dir);
            NdArray x = GoldenData.input(golden);
            Comparison c = Comparison.of(SavedModelArtifacts.run(p, x, 1), GoldenData.expected(golden));
            assertTrue(c.maxAbs() <= 2e-5, golden + " nchw: max abs " + c.maxAbs());
            assertEquals(Shape.of(x.shape()), new SavedModelReader().read(p).inputs().get(0).shape(), "NCHW interface");
            assertEquals(1, SavedModelArtifacts.fileTransposes(p, SavedModelArtifacts.attentionBlocks(g)).get(""), "one leading transpose");
        }
    }

    @Test
    void identicalInputsGiveByteIdenticalFolders(@TempDir Path dir) throws Exception {
        for (String golden : new String[] {"tiny_v2_64", "s0_224"}) {
            String[] sha = new String[2];
            for (int i = 0; i < 2; i++) {
                LoadedModel m = GoldenData.load(golden);
                ExportOptions o = SavedModelArtifacts.options(m);
                Path p = SavedModelArtifacts.export(SavedModelArtifacts.passes(m, "default", o), o, Files.createDirectories(dir.resolve("r" + i)));
                sha[i] = Digests.sha256(p);
            }
            assertEquals(sha[0], sha[1], golden + ": folder digests (relative paths and contents)");
        }
    }
}
