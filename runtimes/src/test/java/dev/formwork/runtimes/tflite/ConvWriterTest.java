package dev.formwork.runtimes.tflite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CONV_2D / DEPTHWISE_CONV_2D / grouped: padding modes, strides, dilation, bias, on TFLite vs the interpreter. */
class ConvWriterTest {
    @TempDir
    Path dir;

    static Value weight(Graph g, String name, Random r, int... shape) {
        Shape s = Shape.of(shape);
        float[] d = new float[(int) s.numel()];
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextGaussian() * 0.3);
        return g.addConstant(name, Tensor.ofFloats(s, d));
    }

    static Graph conv(int cin, int size, int out, int k, int stride, int pad, int groups, int dilation, boolean bias) {
        Graph g = new Graph("conv_" + cin + "_" + size + "_" + out + "_" + k + "_" + stride + "_" + pad + "_" + groups + "_" + dilation + "_" + bias);
        Random r = new Random(3);
        Value x = g.addInput("input", ValueType.f32(2, cin, size, size));
        Value w = weight(g, "w", r, out, cin / groups, k, k);
        Attributes a = Attributes.of("strides", new int[] {stride, stride}, "pads", new int[] {pad, pad, pad, pad}, "groups", groups,
                "dilations", new int[] {dilation, dilation});
        Value y = bias ? g.apply("Conv", "conv", a, x, w, weight(g, "b", r, out)) : g.apply("Conv", "conv", a, x, w);
        g.addOutput(y);
        return g;
    }

    @ParameterizedTest(name = "cin {0} size {1} out {2} k {3} s {4} p {5} g {6} d {7} bias {8}")
    @CsvSource({
        "3, 16, 8, 3, 2, 1, 1, 1, true",   // stem: even input, PAD + VALID
        "3, 15, 8, 3, 2, 1, 1, 1, true",   // odd input: SAME matches
        "8, 8, 8, 3, 1, 1, 1, 1, true",    // SAME
        "8, 8, 16, 1, 1, 0, 1, 1, true",   // pointwise
        "8, 8, 16, 1, 1, 0, 1, 1, false",  // no bias: zeros written
        "8, 8, 8, 3, 1, 1, 8, 1, true",    // depthwise s1
        "8, 8, 8, 3, 2, 1, 8, 1, true",    // depthwise s2, even input
        "4, 8, 8, 3, 1, 1, 4, 1, true",    // depthwise multiplier 2
        "8, 8, 8, 3, 1, 2, 8, 2, true",    // depthwise dilation 2
        "8, 8, 12, 3, 1, 1, 2, 1, true",   // grouped: split / conv / concat
        "4, 9, 6, 5, 2, 2, 1, 1, true",    // 5x5 s2 p2 odd
    })
    void matchesReference(int cin, int size, int out, int k, int s, int p, int groups, int d, boolean bias) {
        double err = TfliteHarness.check(conv(cin, size, out, k, s, p, groups, d, bias), dir);
        assertTrue(err < 1e-5, "relative error " + err);
    }
}
