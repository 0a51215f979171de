package dev.formwork.golden.onnx;

import dev.formwork.golden.GoldenData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.golden.RecordRegressionGoldens;
import dev.formwork.golden.RegressionGolden;
import dev.formwork.ir.interp.SeededInput;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model at its real size with seeded random weights: exported to ONNX (opset 17),
 * run on ONNX Runtime and compared with the logits the reference interpreter recorded in
 * {@code regression/<model>.json} (fp32 rule: 1e-4 * max|ref| + 1e-5). Plus L1 at 224 against a
 * fresh interpreter run.
 */
class ZooOnnxTest {
    static Stream<String> zoo() {
        return Models.zooNames().stream();
    }


    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void ortMatchesTheRecordedReferenceLogits(String model, @TempDir Path dir) throws Exception {
        RegressionGolden g = GoldenData.regression(model);
        LoadedModel m = Models.load(model, LoadOptions.defaults().withSeed(g.weightsSeed()).withBatch(g.inputShape()[0]));
        assertArrayEquals(g.inputShape(), m.graph().input(0).shape().toArray());
        Path p = OnnxArtifacts.export(m, OnnxArtifacts.options(m, 17), dir);
        Comparison c = Comparison.of(OnnxArtifacts.run(p, g.input()), g.expected());
        double bound = g.rel() * c.maxAbsReference() + g.abs();
        assertTrue(c.maxAbs() <= bound, model + ": max abs " + c.maxAbs() + " > " + bound);
        assertEquals(1, c.top1Agree());
    }

    @Test
    void l1At224MatchesTheInterpreter(@TempDir Path dir) throws Exception {
        LoadedModel m = Models.load("efficientformer-l1", LoadOptions.defaults().withSeed(RecordRegressionGoldens.WEIGHTS_SEED));
        NdArray x = SeededInput.gaussian(new int[] {1, 3, 224, 224}, 42);
        NdArray ref = new Interpreter(m.graph()).run(x)[0];
        for (int opset : new int[] {13, 17, 20}) {
            Comparison c = Comparison.of(OnnxArtifacts.run(OnnxArtifacts.export(m, OnnxArtifacts.options(m, opset), dir), x), ref);
            assertTrue(c.withinFp32(), "opset " + opset + ": max abs " + c.maxAbs() + " vs scale " + c.maxAbsReference());
        }
    }
}
