package dev.formwork.golden.onnx;

import dev.formwork.golden.GoldenData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.ir.interp.Comparison;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The three golden cases (testdata/golden, real weights and inputs, float64-derived logits)
 * exported to ONNX at opsets 13, 17 and 20 and run on ONNX Runtime, at the README's float32
 * bounds: 2e-5 for the tiny cases, 5e-5 for s0_224.
 */
class GoldenCasesOnnxTest {



    @ParameterizedTest(name = "{0} opset {1}")
    @CsvSource({
        "tiny_v1_64, 13, 2e-5", "tiny_v1_64, 17, 2e-5", "tiny_v1_64, 20, 2e-5",
        "tiny_v2_64, 13, 2e-5", "tiny_v2_64, 17, 2e-5", "tiny_v2_64, 20, 2e-5",
        "s0_224, 13, 5e-5", "s0_224, 17, 5e-5", "s0_224, 20, 5e-5",
    })
    void ortMatchesTheGoldenLogits(String golden, int opset, double bound, @TempDir Path dir) throws Exception {
        LoadedModel m = GoldenData.load(golden);
        Path p = OnnxArtifacts.export(m, OnnxArtifacts.options(m, opset), dir);
        Comparison c = Comparison.of(OnnxArtifacts.run(p, GoldenData.input(golden)), GoldenData.expected(golden));
        assertTrue(c.maxAbs() <= bound, golden + " opset " + opset + ": max abs " + c.maxAbs() + " > " + bound);
        assertEquals(c.rows(), c.top1Agree());
    }

    @Test
    void fp16S0KeepsCosineAndTop1(@TempDir Path dir) throws Exception {
        LoadedModel m = GoldenData.load("s0_224");
        for (int opset : new int[] {17, 20}) {
            ExportOptions o = OnnxArtifacts.options(m, opset).withPrecision(ExportOptions.Precision.FP16, true);
            Path p = OnnxArtifacts.export(m, o, dir);
            Comparison c = Comparison.of(OnnxArtifacts.run(p, GoldenData.input("s0_224")), GoldenData.expected("s0_224"));
            assertTrue(c.cosine() >= 0.999, "opset " + opset + " fp16 cosine " + c.cosine());
            assertEquals(c.rows(), c.top1Agree(), "fp16 top-1");
            System.out.printf("s0_224 fp16 opset %d: cosine %.6f, max abs %.3g, %d bytes%n", opset, c.cosine(), c.maxAbs(), Files.size(p));
        }
    }

    @Test
    void twoExportsOfTheSameModelAreByteIdentical(@TempDir Path dir) throws Exception {
        for (String golden : new String[] {"tiny_v1_64", "s0_224"}) {
            Path a = OnnxArtifacts.export(GoldenData.load(golden), OnnxArtifacts.options(GoldenData.load(golden), 17), Files.createDirectories(dir.resolve("a")));
            Path b = OnnxArtifacts.export(GoldenData.load(golden), OnnxArtifacts.options(GoldenData.load(golden), 17), Files.createDirectories(dir.resolve("b")));
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), golden);
        }
    }
}
