package dev.formwork.runtimes.coreml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.exporters.coreml.CoreMlReader;
import dev.formwork.exporters.coreml.MlProgramExporter;
import dev.formwork.exporters.coreml.NeuralNetworkExporter;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ops ONNX import added to the IR (MaxPool, Exp, HardSwish, ReduceSum, ReduceMax) as tiny
 * graphs in both Core ML formats, validated, run on the executor and compared with the reference
 * interpreter (see {@link CoreMlHarness}); plus what each writer emits and what it refuses.
 */
class ImportOpsCoreMlTest {
    @TempDir
    Path dir;

    static int[] ints(String s) {
        if (s.isBlank()) return new int[0];
        String[] p = s.trim().split(" +");
        int[] r = new int[p.length];
        for (int i = 0; i < r.length; i++) r[i] = Integer.parseInt(p[i]);
        return r;
    }

    static Graph one(String name, String op, Attributes a, int... shape) {
        Graph g = new Graph(name);
        Value x = g.addInput("x", ValueType.f32(shape));
        g.addOutput(g.apply(op, op.toLowerCase(), a, x));
        return g;
    }

    @ParameterizedTest(name = "{0} kernel [{1}] strides [{2}] pads [{3}]")
    @CsvSource({
        "1 3 7 7, 3 3, 2 2, 1 1 1 1",   // odd size, symmetric padding, stride 2
        "2 4 9 8, 2 2, 2 2, 0 0 0 0",   // floor drops the last row
        "1 2 5 6, 3 3, 1 1, 0 1 2 1",   // asymmetric: top 0, left 1, bottom 2, right 1
        "1 3 6 5, 2 3, , ",             // strides and pads left to their defaults (1, 0)
        "1 3 11, 3, 2, 1 1",            // 1-D: pooled as [N, C, 1, L] in the NeuralNetwork
        "2 2 8, 2, 1, 0 1",
    })
    void maxPool(String shape, String kernel, String strides, String pads) {
        Attributes a = Attributes.of("kernel", ints(kernel), "strides", ints(strides == null ? "" : strides), "pads", ints(pads == null ? "" : pads));
        CoreMlHarness.check(one("maxpool", "MaxPool", a, ints(shape)), dir, 1f);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2 3 5", "1 4 7 7", "6"})
    void exp(String shape) {
        CoreMlHarness.check(one("exp", "Exp", Attributes.EMPTY, ints(shape)), dir, 1f);
    }

    /** Input std 4 puts values on both sides of the clamp at -3 and +3. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"1 3 9 9", "2 5", "3 1 7"})
    void hardSwish(String shape) {
        CoreMlHarness.check(one("hardswish", "HardSwish", Attributes.EMPTY, ints(shape)), dir, 4f);
    }

    @ParameterizedTest(name = "{0} {1} axes [{2}] keepdims {3}")
    @CsvSource({
        "ReduceSum, 2 3 5 7, -1, 1",
        "ReduceSum, 2 3 5 7, 1 -2, 0",
        "ReduceSum, 3 4, 0, 0",
        "ReduceSum, 1 3 9 9, 2 3, 1",
        "ReduceMax, 2 3 5 7, -1, 1",
        "ReduceMax, 2 3 5 7, 1 -2, 0",
        "ReduceMax, 3 4, 0, 0",
        "ReduceMax, 1 3 9 9, -2 -1, 1",
    })
    void reduce(String op, String shape, String axes, int keepdims) {
        Attributes a = Attributes.of("axes", ints(axes), "keepdims", keepdims);
        CoreMlHarness.check(one(op.toLowerCase(), op, a, ints(shape)), dir, 1f);
    }

    /** A full reduction without keepdims is a rank-0 value: an ML Program output can be one, a NeuralNetwork blob cannot. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"ReduceSum", "ReduceMax"})
    void fullReductionToAScalarInTheMlProgram(String op) {
        Graph g = one(op.toLowerCase(), op, Attributes.of("axes", new int[] {0, -1}, "keepdims", 0), 3, 5);
        NdArray x = CoreMlHarness.gaussian(new int[] {3, 5}, 3, 1f);
        NdArray ref = new Interpreter(g).run(x)[0];
        NdArray y = CoreMlHarness.run(CoreMlHarness.export(new MlProgramExporter(), g, CoreMlHarness.FP32, dir, "scalar"), x, false);
        assertEquals(0, y.rank());
        assertTrue(Comparison.of(y, ref).withinFp32(), y.data()[0] + " vs " + ref.data()[0]);
    }

    Map<String, Integer> ops(Exporter e, Graph g, ExportOptions o) throws Exception {
        return new CoreMlReader().read(CoreMlHarness.export(e, g, o, dir, e.target() + g.name())).ops();
    }

    @Test
    void eachOpIsWrittenAsTheFormatsOwnOps() throws Exception {
        Graph g = new Graph("all");
        Value x = g.addInput("x", ValueType.f32(1, 3, 8, 8));
        Value y = g.apply("HardSwish", "hs", x);
        y = g.apply("MaxPool", "pool", Attributes.of("kernel", new int[] {3, 3}, "strides", new int[] {2, 2}, "pads", new int[] {1, 1, 1, 1}), y);
        y = g.apply("Exp", "exp", y);
        y = g.apply("ReduceMax", "max", Attributes.of("axes", new int[] {-1}, "keepdims", 1), y);
        y = g.apply("ReduceSum", "sum", Attributes.of("axes", new int[] {1}, "keepdims", 0), y);
        g.addOutput(y);
        Map<String, Integer> mil = ops(new MlProgramExporter(), g, CoreMlHarness.FP32);
        for (String op : new String[] {"sigmoid_hard", "mul", "max_pool", "exp", "reduce_max", "reduce_sum"}) {
            assertEquals(1, mil.getOrDefault(op, 0), op + " in " + mil);
        }
        Map<String, Integer> nn = ops(new NeuralNetworkExporter(), g, CoreMlHarness.FP32);
        for (String layer : new String[] {"activation", "multiply", "pooling", "unary", "reduceMax", "reduceSum"}) {
            assertEquals(1, nn.getOrDefault(layer, 0), layer + " in " + nn);
        }
    }

    /**
     * A softmax as exporters write it, exp(x - max) / sum: the divisor is computed, so the
     * NeuralNetwork writes divideBroadcastable (the ML Program real_div), and both run within fp32
     * tolerance of the interpreter.
     */
    @Test
    void divisionByAComputedValue() throws Exception {
        Graph g = new Graph("softmax");
        Value x = g.addInput("x", ValueType.f32(2, 4, 7));
        Value max = g.apply("ReduceMax", "max", Attributes.of("axes", new int[] {-1}, "keepdims", 1), x);
        Value e = g.apply("Exp", "exp", g.apply("Sub", "sub", x, max));
        Value sum = g.apply("ReduceSum", "sum", Attributes.of("axes", new int[] {-1}, "keepdims", 1), e);
        g.addOutput(g.apply("Div", "div", e, sum));
        CoreMlHarness.check(g, dir, 3f);
        assertEquals(1, ops(new NeuralNetworkExporter(), g, CoreMlHarness.FP32).getOrDefault("divideBroadcastable", 0));
        assertEquals(1, ops(new MlProgramExporter(), g, CoreMlHarness.FP32).getOrDefault("real_div", 0));
    }

    /**
     * An RMS norm, which no LayerNorm recovers: x / sqrt(mean(x^2) + eps) and a cube, so the
     * NeuralNetwork writes Sqrt and Pow by a constant as the unary layers SQRT and POWER.
     */
    @Test
    void sqrtAndPowerByAConstant() throws Exception {
        Graph g = new Graph("rms");
        Value x = g.addInput("x", ValueType.f32(2, 5, 8));
        Value sq = g.apply("Pow", "square", x, g.addConstant("two", dev.formwork.ir.Tensor.scalar(2f)));
        Value ms = g.apply("ReduceMean", "mean", Attributes.of("axes", new int[] {-1}, "keepdims", 1), sq);
        Value rms = g.apply("Sqrt", "sqrt", g.apply("Add", "eps", ms, g.addConstant("eps_value", dev.formwork.ir.Tensor.scalar(1e-6f))));
        Value y = g.apply("Div", "norm", x, rms);
        g.addOutput(g.apply("Pow", "cube", y, g.addConstant("three", dev.formwork.ir.Tensor.scalar(3f))));
        CoreMlHarness.check(g, dir, 2f);
        assertEquals(3, ops(new NeuralNetworkExporter(), g, CoreMlHarness.FP32).getOrDefault("unary", 0));
    }

    @Test
    void powerByAComputedExponentIsRefusedByTheNeuralNetwork() {
        Graph g = new Graph("pow");
        Value x = g.addInput("x", ValueType.f32(1, 4));
        g.addOutput(g.apply("Pow", "pow", x, g.apply("Sigmoid", "e", x)));
        refused(new NeuralNetworkExporter(), g, dir, "node pow (Pow)", "one constant exponent");
    }

    static void refused(Exporter e, Graph g, Path dir, String... fragments) {
        FormworkException c = assertThrows(FormworkException.class, () -> e.check(g, CoreMlHarness.FP32));
        for (String f : fragments) assertTrue(c.getMessage().contains(f), c.getMessage());
        assertFalse(c.getMessage().contains("\n"), "one line");
        Path p = dir.resolve(e.fileName("refused"));
        FormworkException w = assertThrows(FormworkException.class, () -> e.write(g, CoreMlHarness.FP32, p));
        assertEquals(c.getMessage(), w.getMessage());
        assertFalse(Files.exists(p), "nothing written");
    }

    @Test
    void dilatedAnd3dMaxPoolAreRefusedNamingTheNode() {
        Graph dilated = one("dilated", "MaxPool", Attributes.of("kernel", new int[] {3, 3}, "dilations", new int[] {1, 2}), 1, 2, 9, 9);
        refused(new MlProgramExporter(), dilated, dir, "node maxpool (MaxPool)", "dilations");
        refused(new NeuralNetworkExporter(), dilated, dir, "node maxpool (MaxPool)", "dilations");
        Graph cube = one("cube", "MaxPool", Attributes.of("kernel", new int[] {2, 2, 2}), 1, 2, 4, 4, 4);
        refused(new MlProgramExporter(), cube, dir, "node maxpool (MaxPool)", "1 or 2 spatial axes");
        refused(new NeuralNetworkExporter(), cube, dir, "node maxpool (MaxPool)", "1-D or 2-D");
        Graph scalar = one("scalar", "ReduceSum", Attributes.of("axes", new int[] {0, 1}, "keepdims", 0), 3, 4);
        refused(new NeuralNetworkExporter(), scalar, dir, "node reducesum (ReduceSum)", "rank-0");
    }
}
