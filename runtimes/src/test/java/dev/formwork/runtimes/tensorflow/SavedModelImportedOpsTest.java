package dev.formwork.runtimes.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.savedmodel.SavedModelExporter;
import dev.formwork.exporters.savedmodel.SavedModelReader;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.runtimes.tensorflow.SavedModelHarness.Tiny;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ops ONNX import brings that EfficientFormer does not use: MaxPool (SAME, or PadV2 with -inf
 * + VALID), Exp, HardSwish as x * Relu6(x + 3) * (1/6), Sum and Max, on TensorFlow Java vs the
 * reference interpreter.
 */
class SavedModelImportedOpsTest {
    @TempDir
    Path dir;

    /** A conv output shifted down by 3, so most windows at the border are all negative: zero padding would win there. */
    private static Value negativeMap(Tiny t, int size) {
        return t.op("Sub", t.conv(t.in(2, 3, size, size), 4), t.g.addConstant("shift", Tensor.ofFloats(Shape.of(1), 3f)));
    }

    private Map<String, Integer> ops(String name) {
        return new SavedModelReader().read(dir.resolve(name + ".savedmodel")).ops();
    }

    @ParameterizedTest(name = "k {0} s {1} pads {2},{3} size {4}: {5}")
    @CsvSource({
        "3, 2, 1, 1, 8, PadV2",   // MaxPool2d(3, 2, 1) on an even input: SAME would pad (0, 1)
        "3, 2, 1, 1, 7, SAME",    // odd input: SAME pads (1, 1), as PyTorch
        "2, 2, 0, 0, 7, VALID",   // floor: the last odd row is dropped
        "3, 2, 0, 1, 8, SAME",    // end-only pad (ceil_mode=1 on an even input, as the importer writes it) is SAME's (0, 1)
        "3, 2, 1, 2, 8, PadV2",   // ceil_mode=1 with padding 1: (1, 2) is no SAME
    })
    void maxPool(int k, int s, int before, int after, int size, String how) {
        String name = "maxpool_" + k + s + before + after + size;
        Tiny t = new Tiny(name);
        Value y = t.op("MaxPool", Attributes.of("kernel", new int[] {k, k}, "strides", new int[] {s, s},
                "pads", new int[] {before, before, after, after}), negativeMap(t, size));
        assertTrue(SavedModelHarness.check(t.out(y), dir) < 1e-5);
        Map<String, Integer> ops = ops(name);
        assertEquals(1, ops.get("MaxPool"), ops.toString());
        assertEquals(how.equals("PadV2") ? 1 : 0, ops.getOrDefault("PadV2", 0), ops.toString());
    }

    @Test
    void maxPoolThatTensorFlowCannotExpressIsRefusedByName() {
        Tiny t = new Tiny("maxpool_dilated");
        Graph g = t.out(t.op("MaxPool", Attributes.of("kernel", new int[] {2, 2}, "dilations", new int[] {2, 2}), t.conv(t.in(1, 3, 8, 8), 4)));
        FormworkException e = assertThrows(FormworkException.class, () -> new SavedModelExporter().check(g, new ExportOptions()));
        assertTrue(e.getMessage().startsWith("node maxpool") && e.getMessage().contains("dilation"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("maxpool_dilated.savedmodel")));
        Tiny t3 = new Tiny("maxpool_3d");
        Graph g3 = t3.out(t3.op("MaxPool", Attributes.of("kernel", new int[] {2, 2, 2}), t3.in(1, 2, 4, 4, 4)));
        FormworkException three = assertThrows(FormworkException.class, () -> new SavedModelExporter().check(g3, new ExportOptions()));
        assertTrue(three.getMessage().contains("3 spatial axes"), three.getMessage());
    }

    /** 1-D max pooling (over [N,C,L]) is a 2-D pool of one row; the window, stride and pads are L's. */
    @ParameterizedTest(name = "k {0} s {1} pads {2},{3} length {4}")
    @CsvSource({"3, 2, 1, 1, 10", "2, 2, 0, 1, 9"})
    void maxPool1d(int k, int s, int before, int after, int length) {
        Tiny t = new Tiny("maxpool1d_" + k + s + before + after + length);
        Value x = t.op("Sub", t.in(2, 4, length), t.g.addConstant("shift", Tensor.ofFloats(Shape.of(1), 3f)));
        Value y = t.op("MaxPool", Attributes.of("kernel", new int[] {k}, "strides", new int[] {s}, "pads", new int[] {before, after}), x);
        assertTrue(SavedModelHarness.check(t.out(y), dir) < 1e-5);
        assertEquals(1, ops(t.g.name()).get("MaxPool"));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"Exp, map", "Exp, tokens", "HardSwish, map", "HardSwish, tokens"})
    void unary(String op, String on) {
        Tiny t = new Tiny(op.toLowerCase() + "_" + on);
        // x4 spreads the input over HardSwish's three pieces (x < -3, the ramp, x > 3).
        Value four = t.g.addConstant("four", Tensor.ofFloats(Shape.of(1), 4f));
        Value x = on.equals("map") ? t.conv(t.in(2, 3, 7, 5), 4) : t.in(2, 9, 16);
        Value y = t.op(op, t.op("Mul", x, four));
        assertTrue(SavedModelHarness.check(t.out(on.equals("map") ? t.conv(y, 2) : y), dir) < 1e-5);
        Map<String, Integer> ops = ops(t.g.name());
        if (op.equals("Exp")) assertEquals(1, ops.get("Exp"), ops.toString());
        else assertEquals(1, ops.get("Relu6"), ops.toString());
    }

    @ParameterizedTest(name = "{0} axes {1} keepdims {2} on {3}")
    @CsvSource({
        "ReduceSum, 1, 1, map",      // channel sum: axis 3 in NHWC
        "ReduceSum, -1 -2, 0, map",  // negative axes: H and W
        "ReduceSum, -1, 1, tokens",
        "ReduceMax, 2 3, 1, map",    // global max pool
        "ReduceMax, -3, 0, map",
        "ReduceMax, 0 -1, 0, tokens",
    })
    void reductions(String op, String axes, int keep, String on) {
        int[] a = java.util.Arrays.stream(axes.split(" ")).mapToInt(Integer::parseInt).toArray();
        Tiny t = new Tiny(op.toLowerCase() + "_" + axes.replace(" ", "_").replace("-", "m") + "_" + keep + "_" + on);
        Value x = on.equals("map") ? t.conv(t.in(2, 3, 7, 6), 4) : t.in(2, 9, 16);
        assertTrue(SavedModelHarness.check(t.out(t.op(op, Attributes.of("axes", a, "keepdims", keep), x)), dir) < 1e-5);
        assertEquals(1, ops(t.g.name()).get(op.equals("ReduceSum") ? "Sum" : "Max"));
    }
}
