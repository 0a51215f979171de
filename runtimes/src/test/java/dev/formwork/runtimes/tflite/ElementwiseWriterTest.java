package dev.formwork.runtimes.tflite;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Value;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ADD/SUB/MUL/DIV with broadcast constants, unary ops and the GELU forms. */
class ElementwiseWriterTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"Add", "Sub", "Mul", "Div"})
    void binaryWithPerChannelScalarAndFullOperands(String op) {
        TinyGraph t = new TinyGraph("bin_" + op);
        Value x = t.conv(t.in(2, 3, 5, 5), 4);
        Value a = t.op(op, x, t.pos(1, 4, 1, 1));               // per-channel view: re-laid to [4]
        Value b = t.op(op, t.pos(4, 1, 1), a);                  // constant first, rank 3
        Value c = t.op(op, b, t.g.addBuffer("two", dev.formwork.ir.Tensor.scalar(2f)));
        Value d = t.op(op, c, t.conv(t.g.input(0), 4));         // two computed maps
        assertTrue(TfliteHarness.check(t.out(t.conv(d, 2)), dir) < 1e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Relu", "Tanh", "Sigmoid", "Sqrt", "Identity"})
    void unary(String op) {
        TinyGraph t = new TinyGraph("un_" + op);
        Value x = t.op("Mul", t.g.addInput("input", dev.formwork.ir.ValueType.f32(2, 7, 5)), t.pos(5));
        Value y = t.op(op, x);
        assertTrue(TfliteHarness.check(t.out(t.op("Add", y, t.c(5))), dir, new ExportOptions().withName("un_" + op), true) < 1e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "tanh"})
    void geluNative(String form) {
        TinyGraph t = new TinyGraph("gelu_" + form);
        Value y = t.op("Gelu", Attributes.of("approximate", form), t.conv(t.in(2, 3, 6, 6), 4));
        assertTrue(TfliteHarness.check(t.out(y), dir) < 1e-5);
    }

    @Test
    void geluOptionOverridesTheForm() {
        TinyGraph t = new TinyGraph("gelu_sigmoid");
        t.g.metadata();
        Value y = t.op("Gelu", t.conv(t.in(2, 3, 6, 6), 4));
        dev.formwork.ir.Graph g = t.out(y);
        // Against a reference graph that computes the sigmoid form itself.
        TinyGraph r = new TinyGraph("gelu_sigmoid_ref");
        Value ry = r.op("Gelu", Attributes.of("approximate", "sigmoid"), r.conv(r.in(2, 3, 6, 6), 4));
        dev.formwork.ir.Graph ref = r.out(ry);
        var x = TfliteHarness.gaussian(new int[] {2, 3, 6, 6}, 1, false);
        var expect = new dev.formwork.ir.interp.Interpreter(ref).run(x)[0];
        var p = TfliteHarness.export(g, new ExportOptions().withName("gs").withGelu("sigmoid"), dir);
        var got = TfliteHarness.run(p, new dev.formwork.ir.interp.NdArray[] {dev.formwork.ir.op.ShapeOps.permute(x, TfliteHarness.TO_NHWC)}, false, 1)[0];
        var c = dev.formwork.ir.interp.Comparison.of(dev.formwork.ir.op.ShapeOps.permute(got, TfliteHarness.TO_NCHW), expect);
        assertTrue(c.withinFp32(), "max abs " + c.maxAbs());
    }

    @Test
    void erfIsRefusedWithAHint() {
        TinyGraph t = new TinyGraph("erf");
        Value y = t.op("Erf", t.in(2, 4));
        FormworkException e = assertThrows(FormworkException.class, () -> TfliteHarness.export(t.out(y), new ExportOptions().withName("erf"), dir));
        assertTrue(e.getMessage().contains("ERF") && e.getMessage().contains("erf"), e.getMessage());
    }
}
