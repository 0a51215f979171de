package dev.formwork.runtimes.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.savedmodel.SavedModelExporter;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.runtimes.tensorflow.SavedModelHarness.Tiny;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each op family's TensorFlow lowering, run on TensorFlow Java against the reference interpreter. */
class SavedModelOpsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "cin {0} size {1} out {2} k {3} s {4} p {5} g {6} d {7} bias {8}")
    @CsvSource({
        "3, 16, 8, 3, 2, 1, 1, 1, true",   // stem: even input, Pad + VALID
        "3, 15, 8, 3, 2, 1, 1, 1, true",   // odd input: SAME matches
        "8, 8, 8, 3, 1, 1, 1, 1, true",    // SAME
        "8, 8, 16, 1, 1, 0, 1, 1, false",  // pointwise, no bias
        "8, 8, 8, 3, 2, 1, 8, 1, true",    // depthwise s2, even input
        "4, 8, 8, 3, 1, 1, 4, 1, true",    // depthwise multiplier 2
        "8, 8, 8, 3, 1, 2, 8, 2, true",    // depthwise dilation 2
    })
    void convolutions(int cin, int size, int out, int k, int s, int p, int groups, int d, boolean bias) {
        Tiny t = new Tiny("conv_" + cin + "_" + size + "_" + k + "_" + s + "_" + groups + "_" + d);
        Graph g = t.out(t.conv(t.in(2, cin, size, size), out, k, s, p, groups, d, bias));
        assertTrue(SavedModelHarness.check(g, dir) < 1e-5);
    }

    @ParameterizedTest(name = "k {0} s {1} p {2} count_include_pad {3} size {4}")
    @CsvSource({
        "3, 1, 1, 0, 8",  // V1 token mixer: SAME excludes the padding
        "1, 2, 0, 0, 7",  // V2 subsample: VALID
        "3, 1, 1, 1, 7",  // padding counted: Pad + VALID
    })
    void averagePool(int k, int s, int p, int cip, int size) {
        Tiny t = new Tiny("pool_" + k + s + p + cip + size);
        Value y = t.op("AveragePool", Attributes.of("kernel", new int[] {k, k}, "strides", new int[] {s, s},
                "pads", new int[] {p, p, p, p}, "count_include_pad", cip), t.conv(t.in(2, 3, size, size), 4));
        assertTrue(SavedModelHarness.check(t.out(y), dir) < 1e-5);
    }

    @Test
    void bilinearHalfPixelResize() {
        Tiny t = new Tiny("resize");
        Value y = t.op("Resize", Attributes.of("scales", new double[] {2, 2}), t.conv(t.in(2, 3, 7, 7), 5));
        assertTrue(SavedModelHarness.check(t.out(t.conv(y, 2)), dir) < 1e-5);
    }

    @Test
    void normsAndReductions() {
        Tiny t = new Tiny("norms");
        Value x = t.conv(t.in(2, 3, 6, 6), 4);
        Value bn = t.op("BatchNorm", Attributes.of("epsilon", 1e-5), x, t.pos(4), t.c(4), t.c(4), t.pos(4));
        Value pooled = t.op("ReduceMean", Attributes.of("axes", new int[] {2, 3}, "keepdims", 0), bn);
        Value tokens = t.in(2, 5, 16);
        Value ln = t.op("LayerNorm", Attributes.of("axis", -1, "epsilon", 1e-5), tokens, t.pos(16), t.c(16));
        Value sm = t.op("Softmax", Attributes.of("axis", -1), ln);
        assertTrue(SavedModelHarness.check(t.out(pooled, sm), dir) < 1e-5);
    }

    @Test
    void matMulAdjointFlagsAndLinear() {
        Tiny t = new Tiny("matmul");
        Value a = t.in(2, 3, 5, 4), b = t.in(2, 3, 6, 5);
        Value at = t.op("Transpose", Attributes.of("perm", new int[] {0, 1, 3, 2}), a);
        Value bt = t.op("Transpose", Attributes.of("perm", new int[] {0, 1, 3, 2}), b);
        Value bmm = t.op("MatMul", at, bt);
        Value tok = t.op("Linear", t.in(2, 7, 6), t.c(5, 6), t.c(5));
        Value mean = t.op("ReduceMean", Attributes.of("axes", new int[] {1}, "keepdims", 0), tok);
        Value vec = t.op("Linear", mean, t.c(3, 5));
        assertTrue(SavedModelHarness.check(t.out(bmm, vec), dir) < 1e-5);
    }

    @Test
    void shapeOpsAndFoldedGather() {
        Tiny t = new Tiny("shapes");
        Value x = t.in(2, 6, 12);
        Value r = t.op("Reshape", Attributes.of("shape", new int[] {2, 6, 3, 4}), x);
        List<Value> parts = t.multi("Split", Attributes.of("axis", -1, "split", new int[] {1, 3}), r);
        Value tr = t.op("Transpose", Attributes.of("perm", new int[] {0, 2, 1, 3}), parts.get(1));
        Value sl = t.op("Slice", Attributes.of("axes", new int[] {2}, "starts", new int[] {1}, "ends", new int[] {6}, "steps", new int[] {2}), tr);
        Value cat = t.op("Concat", Attributes.of("axis", 2), sl, sl);
        Value fl = t.op("Flatten", Attributes.of("start", 1, "end", -1), cat);
        Value idx = t.g.addBuffer("idx", Tensor.ofLongs(Shape.of(4, 4), 0, 1, 2, 3, 1, 0, 1, 2, 2, 1, 0, 1, 3, 2, 1, 0));
        Value bias = t.op("Gather", Attributes.of("axis", 1), t.c(3, 4), idx);
        Value scores = t.op("Softmax", Attributes.of("axis", -1), t.op("Add", t.in(2, 3, 4, 4), bias));
        Value s2d = t.op("SpaceToDepth", Attributes.of("blocksize", 2), t.conv(t.in(2, 3, 8, 8), 4));
        assertTrue(SavedModelHarness.check(t.out(fl, parts.get(0), scores, t.conv(s2d, 3)), dir) < 1e-5);
    }

    @ParameterizedTest(name = "gelu {0}")
    @CsvSource({"exact", "tanh", "sigmoid"})
    void geluThroughThePasses(String form) {
        Tiny t = new Tiny("gelu_" + form);
        Value y = t.op("Gelu", t.conv(t.in(2, 3, 6, 6), 4));
        ExportOptions o = new ExportOptions().withGelu(form);
        Graph g = SavedModelHarness.passes(t.out(t.conv(y, 3)), o);
        assertEquals(0, g.opHistogram().getOrDefault("Gelu", 0), "GELU decomposed for TensorFlow");
        // The approximations are checked against the graph they produced (the pass measures their cost).
        assertTrue(SavedModelHarness.check(g, dir, o) < 1e-5);
    }

    @Test
    void elementwise() {
        Tiny t = new Tiny("elementwise");
        Value x = t.conv(t.in(2, 3, 5, 5), 4);
        Value y = t.op("Div", t.op("Sub", t.op("Relu", x), t.op("Tanh", x)), t.op("Sqrt", t.op("Add", t.op("Sigmoid", x), t.pos(4, 1, 1))));
        Value z = t.op("Pow", t.op("Add", t.op("Mul", y, y), t.pos(1)), t.pos(1));
        assertTrue(SavedModelHarness.check(t.out(z), dir) < 1e-5);
    }

    @Test
    void fp16WeightsAreHalfConstantsCastAtLoad() {
        Tiny t = new Tiny("fp16");
        Graph g = t.out(t.op("Linear", t.op("ReduceMean", Attributes.of("axes", new int[] {2, 3}, "keepdims", 0),
                t.conv(t.in(2, 3, 8, 8), 8)), t.c(4, 8), t.c(4)));
        ExportOptions o = new ExportOptions().withPrecision(ExportOptions.Precision.FP16, true);
        SavedModelHarness.check(g, dir, o);
        var info = new dev.formwork.exporters.savedmodel.SavedModelReader().read(dir.resolve("fp16.savedmodel"));
        assertEquals(4, info.ops().get("Cast"), "conv weight and bias, linear weight and bias: " + info.ops());
        assertEquals("FLOAT32", info.inputs().get(0).dtype().name());
    }

    @Test
    void nchwInterfaceKeepsTheInputLayout() {
        Tiny t = new Tiny("nchw");
        Graph g = t.out(t.op("ReduceMean", Attributes.of("axes", new int[] {2, 3}, "keepdims", 0), t.conv(t.in(2, 3, 8, 8), 4)));
        ExportOptions o = new ExportOptions().withTfInput("nchw");
        assertTrue(SavedModelHarness.check(g, dir, o) < 1e-5);
        var info = new dev.formwork.exporters.savedmodel.SavedModelReader().read(dir.resolve("nchw.savedmodel"));
        assertEquals(Shape.of(2, 3, 8, 8), info.inputs().get(0).shape());
        assertEquals(1, info.ops().get("Transpose"), "one leading transpose: " + info.ops());
    }

    @Test
    void unsupportedNodesAreRefusedBeforeWriting() {
        Tiny t = new Tiny("grouped");
        Graph g = t.out(t.conv(t.in(1, 8, 8, 8), 12, 3, 1, 1, 2, 1, true));
        FormworkException e = assertThrows(FormworkException.class, () -> new SavedModelExporter().check(g, new ExportOptions()));
        assertTrue(e.getMessage().startsWith("node conv") && e.getMessage().contains("grouped"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("grouped.savedmodel")));
    }
}
