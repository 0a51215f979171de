package dev.formwork.runtimes.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.tflite.TfliteExporter;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ops ONNX import brings that EfficientFormer does not use: MAX_POOL_2D (SAME, or PADV2 with
 * -inf + VALID), EXP, HARD_SWISH, SUM and REDUCE_MAX, on TFLite (XNNPACK on and off) vs the
 * reference interpreter.
 */
class ImportedOpsWriterTest {
    @TempDir
    Path dir;

    /** A conv output shifted down by 3, so most windows at the border are all negative: zero padding would win there. */
    private static Value negativeMap(TinyGraph t, int size) {
        Value x = t.conv(t.in(2, 3, size, size), 4);
        return t.op("Sub", x, t.g.addConstant("shift", Tensor.ofFloats(Shape.of(1), 3f)));
    }

    private Map<String, Integer> ops(Graph g, String name) {
        return ArtifactReaders.read(dir.resolve(name + ".tflite")).ops();
    }

    @ParameterizedTest(name = "k {0} s {1} pads {2},{3} size {4}: {5}")
    @CsvSource({
        "3, 2, 1, 1, 8, PADV2",   // MaxPool2d(3, 2, 1) on an even input: SAME would pad (0, 1)
        "3, 2, 1, 1, 7, SAME",    // odd input: SAME pads (1, 1), as PyTorch
        "3, 1, 1, 1, 6, SAME",
        "2, 2, 0, 0, 7, VALID",   // floor: the last odd row is dropped
        "3, 2, 0, 1, 8, SAME",    // end-only pad (ceil_mode=1 on an even input, as the importer writes it) is SAME's (0, 1)
        "3, 2, 1, 2, 8, PADV2",   // ceil_mode=1 with padding 1: (1, 2) is no SAME
        "2, 2, 0, 1, 9, SAME",    // ceil_mode=1 on an odd input
        "2, 2, 1, 1, 6, PADV2",
    })
    void maxPool(int k, int s, int before, int after, int size, String how) {
        String name = "maxpool_" + k + s + before + after + size;
        TinyGraph t = new TinyGraph(name);
        Value y = t.op("MaxPool", Attributes.of("kernel", new int[] {k, k}, "strides", new int[] {s, s},
                "pads", new int[] {before, before, after, after}), negativeMap(t, size));
        Graph g = t.out(y);
        assertTrue(TfliteHarness.check(g, dir) < 1e-5);
        Map<String, Integer> ops = ops(g, name);
        assertEquals(1, ops.get("MAX_POOL_2D"), ops.toString());
        assertEquals(how.equals("PADV2") ? 1 : 0, ops.getOrDefault("PADV2", 0), ops.toString());
    }

    @Test
    void maxPoolWithDefaultStridesAndFp16Weights() {
        TinyGraph t = new TinyGraph("maxpool_fp16");
        Value y = t.op("MaxPool", Attributes.of("kernel", new int[] {3, 3}, "strides", new int[] {2, 2}, "pads", new int[] {1, 1, 1, 1}),
                negativeMap(t, 10));
        Value z = t.op("MaxPool", Attributes.of("kernel", new int[] {2, 2}), y); // strides, pads, dilations left to their defaults
        ExportOptions o = new ExportOptions().withName("maxpool_fp16").withPrecision(ExportOptions.Precision.FP16, true);
        assertTrue(TfliteHarness.check(t.out(z), dir, o, false) < 1e-2);
    }

    @Test
    void maxPoolThatTfliteCannotExpressIsRefusedByName() {
        TinyGraph t = new TinyGraph("maxpool_dilated");
        Value y = t.op("MaxPool", Attributes.of("kernel", new int[] {2, 2}, "dilations", new int[] {2, 2}), t.conv(t.in(1, 3, 8, 8), 4));
        Graph g = t.out(y);
        FormworkException c = assertThrows(FormworkException.class, () -> new TfliteExporter().check(g, new ExportOptions()));
        assertTrue(c.getMessage().contains("maxpool") && c.getMessage().contains("dilation"), c.getMessage());
        FormworkException e = assertThrows(FormworkException.class, () -> TfliteHarness.export(g, new ExportOptions().withName("bad"), dir));
        assertTrue(e.getMessage().contains("dilation"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("bad.tflite")), "nothing written");

        TinyGraph t3 = new TinyGraph("maxpool_3d");
        Graph g3 = t3.out(t3.op("MaxPool", Attributes.of("kernel", new int[] {2, 2, 2}), t3.in(1, 2, 4, 4, 4)));
        FormworkException three = assertThrows(FormworkException.class, () -> new TfliteExporter().check(g3, new ExportOptions()));
        assertTrue(three.getMessage().contains("maxpool") && three.getMessage().contains("3 spatial axes"), three.getMessage());
    }

    /** 1-D max pooling (over [N,C,L]) is a 2-D pool of one row; the window, stride and pads are L's. */
    @ParameterizedTest(name = "k {0} s {1} pads {2},{3} length {4}")
    @CsvSource({"3, 1, 0, 0, 9", "3, 2, 1, 1, 10", "2, 2, 0, 1, 9"})
    void maxPool1d(int k, int s, int before, int after, int length) {
        TinyGraph t = new TinyGraph("maxpool1d_" + k + s + before + after + length);
        Value x = t.op("Sub", t.in(2, 4, length), t.g.addConstant("shift", Tensor.ofFloats(Shape.of(1), 3f)));
        Value y = t.op("MaxPool", Attributes.of("kernel", new int[] {k}, "strides", new int[] {s}, "pads", new int[] {before, after}), x);
        Graph g = t.out(y);
        assertTrue(TfliteHarness.check(g, dir) < 1e-5);
        assertEquals(1, ops(g, g.name()).get("MAX_POOL_2D"));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"Exp, map", "Exp, tokens", "HardSwish, map", "HardSwish, tokens"})
    void unary(String op, String on) {
        TinyGraph t = new TinyGraph(op.toLowerCase() + "_" + on);
        // x4 spreads the input over HardSwish's three pieces (x < -3, the ramp, x > 3).
        Value four = t.g.addConstant("four", Tensor.ofFloats(Shape.of(1), 4f));
        Value x = on.equals("map") ? t.conv(t.in(2, 3, 7, 5), 4) : t.in(2, 9, 16);
        Value y = t.op(op, t.op("Mul", x, four));
        Graph g = t.out(on.equals("map") ? t.conv(y, 2) : y);
        assertTrue(TfliteHarness.check(g, dir) < 1e-5);
        String code = op.equals("Exp") ? "EXP" : "HARD_SWISH";
        assertEquals(1, ops(g, g.name()).get(code));
    }

    @ParameterizedTest(name = "{0} axes {1} keepdims {2} on {3}")
    @CsvSource({
        "ReduceSum, 1, 1, map",      // channel sum: axis 3 in NHWC
        "ReduceSum, 1, 0, map",
        "ReduceSum, -1 -2, 0, map",  // negative axes: H and W
        "ReduceSum, -1, 1, tokens",
        "ReduceMax, 2 3, 1, map",    // global max pool
        "ReduceMax, -3, 0, map",
        "ReduceMax, 0 -1, 0, tokens",
        "ReduceMax, -2, 1, tokens",
    })
    void reductions(String op, String axes, int keep, String on) {
        int[] a = java.util.Arrays.stream(axes.split(" ")).mapToInt(Integer::parseInt).toArray();
        TinyGraph t = new TinyGraph(op.toLowerCase() + "_" + axes.replace(" ", "_").replace("-", "m") + "_" + keep + "_" + on);
        Value x = on.equals("map") ? t.conv(t.in(2, 3, 7, 6), 4) : t.in(2, 9, 16);
        Graph g = t.out(t.op(op, Attributes.of("axes", a, "keepdims", keep), x));
        assertTrue(TfliteHarness.check(g, dir) < 1e-5);
        assertEquals(1, ops(g, g.name()).get(op.equals("ReduceSum") ? "SUM" : "REDUCE_MAX"));
    }
}
