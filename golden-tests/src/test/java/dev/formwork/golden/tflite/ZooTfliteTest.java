package dev.formwork.golden.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EfficientFormer-L1 at 224 (seeded random weights, no golden file) through the tflite target:
 * fp32 on TFLite, XNNPACK on and off, against a fresh reference-interpreter run with the fp32
 * rule |tflite - ref| <= 1e-4 * max|ref| + 1e-5; fp16 by cosine and top-1; the transpose budget
 * counted in the file.
 */
class ZooTfliteTest {
    private static LoadedModel l1;
    private static NdArray input;
    private static NdArray reference;

    @BeforeAll
    static void load() {
        l1 = Models.load("efficientformer-l1", LoadOptions.defaults());
        input = SeededInput.gaussian(l1.graph().input(0).shape().toArray(), 1);
        reference = new Interpreter(l1.graph()).run(input)[0];
    }

    @Test
    void l1Fp32MatchesTheReference(@TempDir Path dir) throws Exception {
        for (String passes : new String[] {"default", "none"}) {
            ExportOptions o = TfliteArtifacts.options(l1);
            Graph g = TfliteArtifacts.passes(l1, passes, o);
            Path p = TfliteArtifacts.export(g, o, dir);
            for (boolean xnnpack : new boolean[] {true, false}) {
                Comparison c = Comparison.of(TfliteArtifacts.run(p, input, xnnpack, 1), reference);
                System.out.printf("tflite L1 passes %s xnnpack=%s: max abs %.3g of max|ref| %.3g%n", passes, xnnpack, c.maxAbs(), c.maxAbsReference());
                assertTrue(c.withinFp32(), "L1 passes " + passes + " xnnpack=" + xnnpack + ": max abs " + c.maxAbs() + " of " + c.maxAbsReference());
            }
            Map<String, Integer> per = TfliteArtifacts.fileTransposes(p, TfliteArtifacts.attentionBlocks(g));
            assertEquals(0, per.get(""), per.toString());
            per.forEach((b, n) -> assertTrue(n <= 4, b + ": " + n));
        }
    }

    @Test
    void l1Fp16KeepsCosineAndTop1(@TempDir Path dir) throws Exception {
        ExportOptions o = TfliteArtifacts.options(l1).withPrecision(ExportOptions.Precision.FP16, true);
        Path p = TfliteArtifacts.export(TfliteArtifacts.passes(l1, "default", o), o, dir);
        for (boolean xnnpack : new boolean[] {true, false}) {
            Comparison c = Comparison.of(TfliteArtifacts.run(p, input, xnnpack, 1), reference);
            System.out.printf("tflite L1 fp16 xnnpack=%s: cosine %.7f, top-1 %d/%d%n", xnnpack, c.cosine(), c.top1Agree(), c.rows());
            assertTrue(c.withinFp16(), "L1 fp16 xnnpack=" + xnnpack + ": cosine " + c.cosine());
        }
    }
}
