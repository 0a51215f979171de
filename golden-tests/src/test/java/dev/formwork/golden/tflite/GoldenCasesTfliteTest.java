package dev.formwork.golden.tflite;

import dev.formwork.golden.GoldenData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.ir.Graph;
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
 * The golden cases (real weights, stored inputs, float64-derived logits) through the tflite
 * target on the TFLite interpreter, XNNPACK on and off, at the README's float32 bounds (2e-5
 * tiny, 5e-5 s0_224); fp16 by cosine and top-1; transposes counted in the written file.
 */
class GoldenCasesTfliteTest {
    @ParameterizedTest(name = "{0} passes {1}")
    @CsvSource({
        "tiny_v1_64, default, 2e-5", "tiny_v1_64, none, 2e-5",
        "tiny_v2_64, default, 2e-5", "tiny_v2_64, none, 2e-5",
        "s0_224, default, 5e-5", "s0_224, none, 5e-5",
    })
    void fp32MatchesTheGoldenLogits(String golden, String passes, double bound, @TempDir Path dir) throws Exception {
        LoadedModel m = GoldenData.load(golden);
        ExportOptions o = TfliteArtifacts.options(m);
        Path p = TfliteArtifacts.export(TfliteArtifacts.passes(m, passes, o), o, dir);
        for (boolean xnnpack : new boolean[] {true, false}) {
            Comparison c = Comparison.of(TfliteArtifacts.run(p, GoldenData.input(golden), xnnpack, 1), GoldenData.expected(golden));
            System.out.printf("tflite %s passes %s xnnpack=%s: max abs %.3g (bound %.0e)%n", golden, passes, xnnpack, c.maxAbs(), bound);
            assertTrue(c.maxAbs() <= bound, golden + " xnnpack=" + xnnpack + ": max abs " + c.maxAbs() + " > " + bound);
            assertEquals(c.rows(), c.top1Agree());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tiny_v1_64", "tiny_v2_64", "s0_224"})
    void fp16KeepsCosineAndTop1(String golden, @TempDir Path dir) throws Exception {
        LoadedModel m = GoldenData.load(golden);
        ExportOptions o = TfliteArtifacts.options(m).withPrecision(ExportOptions.Precision.FP16, true);
        Path p = TfliteArtifacts.export(TfliteArtifacts.passes(m, "default", o), o, dir);
        for (boolean xnnpack : new boolean[] {true, false}) {
            Comparison c = Comparison.of(TfliteArtifacts.run(p, GoldenData.input(golden), xnnpack, 1), GoldenData.expected(golden));
            System.out.printf("tflite %s fp16 xnnpack=%s: cosine %.7f, max abs %.3g, top-1 %d/%d, %d bytes%n", golden, xnnpack, c.cosine(),
                    c.maxAbs(), c.top1Agree(), c.rows(), Files.size(p));
            assertTrue(c.withinFp16(), golden + " fp16 xnnpack=" + xnnpack + ": cosine " + c.cosine() + ", top-1 " + c.top1Agree() + "/" + c.rows());
        }
    }

    @ParameterizedTest(name = "{0} passes {1}")
    @CsvSource({"tiny_v1_64, default, 4", "tiny_v1_64, none, 4", "tiny_v2_64, default, 6", "tiny_v2_64, none, 6",
        "s0_224, default, 6"})
    void transposesStayInTheAttentionBudget(String golden, String passes, int budget, @TempDir Path dir) throws Exception {
        LoadedModel m = GoldenData.load(golden);
        ExportOptions o = TfliteArtifacts.options(m);
        Graph g = TfliteArtifacts.passes(m, passes, o);
        Map<String, Integer> per = TfliteArtifacts.fileTransposes(TfliteArtifacts.export(g, o, dir), TfliteArtifacts.attentionBlocks(g));
        assertEquals(0, per.get(""), "transposes outside attention: " + per);
        for (Map.Entry<String, Integer> e : per.entrySet()) {
            assertTrue(e.getValue() <= budget, e.getKey() + ": " + e.getValue() + " transposes > " + budget);
        }
        assertTrue(per.size() > 1, "found attention blocks");
    }

    @Test
    void nchwInterfaceAddsOneLeadingTranspose(@TempDir Path dir) throws Exception {
        for (String golden : new String[] {"tiny_v1_64", "tiny_v2_64"}) {
            LoadedModel m = GoldenData.load(golden);
            ExportOptions o = TfliteArtifacts.options(m).withTfliteInput("nchw");
            Graph g = TfliteArtifacts.passes(m, "default", o);
            Path p = TfliteArtifacts.export(g, o, dir);
            NdArray x = GoldenData.input(golden);
            Comparison c = Comparison.of(TfliteArtifacts.run(p, x, true, 1), GoldenData.expected(golden));
            assertTrue(c.maxAbs() <= 2e-5, golden + " nchw: max abs " + c.maxAbs());
            var info = new dev.formwork.exporters.tflite.TfliteReader().read(p);
            assertEquals(dev.formwork.ir.Shape.of(x.shape()), info.inputs().get(0).shape(), "NCHW interface");
            assertEquals(1, TfliteArtifacts.fileTransposes(p, TfliteArtifacts.attentionBlocks(g)).get(""), "one leading transpose");
        }
    }

    @Test
    void identicalInputsGiveByteIdenticalFiles(@TempDir Path dir) throws Exception {
        for (String golden : new String[] {"tiny_v2_64", "s0_224"}) {
            byte[][] files = new byte[2][];
            for (int i = 0; i < 2; i++) {
                LoadedModel m = GoldenData.load(golden);
                ExportOptions o = TfliteArtifacts.options(m);
                files[i] = Files.readAllBytes(TfliteArtifacts.export(TfliteArtifacts.passes(m, "default", o), o, Files.createDirectories(dir.resolve("r" + i))));
            }
            assertArrayEquals(files[0], files[1], golden);
        }
    }
}
