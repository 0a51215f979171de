package dev.formwork.exporters.onnx.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.onnx.OnnxChecker;
import dev.formwork.exporters.onnx.OnnxExporter;
import dev.formwork.exporters.onnx.OnnxOpsets;
import dev.formwork.exporters.onnx.OrtRunner;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX's own backend node tests (testdata/onnx-node, see its README) for every op Formwork
 * lowers, checked twice at ONNX's tolerance (|a - e| <= 1e-7 + 1e-3 |e|, NaNs in place):
 *
 * <ol>
 *   <li>the IR equivalent of the case's node, run by the reference interpreter on the case's
 *       inputs, gives the case's outputs (the IR kernels against ONNX's data);</li>
 *   <li>that IR graph exported at the case's opset (clamped to 13..22) passes the official
 *       checker with shape inference and ONNX Runtime reproduces the case's outputs.</li>
 * </ol>
 */
class OnnxNodeConformanceTest {
    static final double RTOL = 1e-3, ATOL = 1e-7;

    static Stream<String> cases() throws IOException {
        Path root = TestData.root().resolve("onnx-node");
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static NodeCase load(String name) {
        return NodeCase.load(TestData.root().resolve("onnx-node").resolve(name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceInterpreterMatchesOnnx(String name) {
        NodeCase c = load(name);
        NodeMapper.Mapped m = NodeMapper.map(c);
        GraphVerifier.verify(m.graph());
        NdArray[] got = new Interpreter(m.graph()).run(m.feeds().toArray(new NdArray[0]));
        compare(name + " (reference interpreter)", got, c.outputs(), m.comparedOutputs());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exportedGraphMatchesOnnxOnOrt(String name) {
        NodeCase c = load(name);
        NodeMapper.Mapped m = NodeMapper.map(c);
        int opset = Math.max(OnnxOpsets.MIN, Math.min(OnnxOpsets.MAX, c.opset()));
        byte[] model = new OnnxExporter().toModel(m.graph(), new ExportOptions().withOnnxOpset(opset)).toByteArray();
        OnnxChecker.check(model);
        NdArray[] got = OrtRunner.run(model, m.feeds().toArray(new NdArray[0]));
        compare(name + " (exported at opset " + opset + ", ONNX Runtime)", got, c.outputs(), m.comparedOutputs());
    }

    /** The comparison has teeth: GELU's tanh form misses the exact-GELU case at ONNX's tolerance. */
    @org.junit.jupiter.api.Test
    void aWrongKernelIsCaught() {
        NodeCase c = load("test_gelu_default_2");
        dev.formwork.ir.Graph g = new dev.formwork.ir.Graph("wrong");
        var x = g.addInput("x", new dev.formwork.ir.ValueType(dev.formwork.ir.DType.FLOAT32, dev.formwork.ir.Shape.of(c.inputs().get(0).shape())));
        g.addOutput(g.apply("Gelu", "g", dev.formwork.ir.Attributes.of("approximate", "tanh"), x));
        NdArray[] got = new Interpreter(g).run(c.inputs().get(0));
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> compare("wrong", got, c.outputs(), 1));
    }

    static void compare(String what, NdArray[] got, List<NdArray> expected, int count) {
        assertTrue(got.length >= count, what + ": " + got.length + " outputs");
        for (int k = 0; k < count; k++) {
            NdArray a = got[k], e = expected.get(k);
            assertArrayEquals(e.shape(), a.shape(), what + " output " + k + " shape");
            assertEquals(e.isLong(), a.isLong(), what + " output " + k + " element type");
            float[] x = a.data(), y = e.data();
            for (int i = 0; i < y.length; i++) {
                boolean ok = Float.isNaN(y[i]) ? Float.isNaN(x[i])
                        : Float.isInfinite(y[i]) ? x[i] == y[i] : Math.abs(x[i] - y[i]) <= ATOL + RTOL * Math.abs(y[i]);
                if (!ok) fail(what + " output " + k + " element " + i + ": got " + x[i] + ", ONNX expects " + y[i]);
            }
        }
    }
}
