package dev.formwork.ir.op;

import static dev.formwork.ir.testutil.OpRunner.assertRejected;
import static dev.formwork.ir.testutil.OpRunner.f32;
import static dev.formwork.ir.testutil.OpRunner.inferShape;
import static dev.formwork.ir.testutil.OpRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.testutil.Naive;
import org.junit.jupiter.api.Test;

class ConvOpsTest {
    private static long seed = 1000;

    /** Output size straight from the definition: floor((in + pads - d(k-1) - 1) / s) + 1. */
    private static int outDim(int in, int k, int s, int p0, int p1, int d) {
        return (int) Math.floor((in + p0 + p1 - d * (k - 1) - 1) / (double) s) + 1;
    }

    /**
     * Runs one convolution and compares with the naive definition. Shape [n,c,h,w], weight
     * [o, c/groups, kh, kw].
     */
    private static void check(String what, int n, int c, int h, int w, int o, int kh, int kw,
                              int[] strides, int[] pads, int[] dil, int groups, boolean withBias) {
        NdArray x = Naive.randn(seed++, n, c, h, w);
        NdArray wt = Naive.randn(seed++, o, c / groups, kh, kw);
        NdArray b = withBias ? Naive.randn(seed++, o) : null;
        Attributes a = Attributes.of("strides", strides, "pads", pads, "dilations", dil, "groups", groups);
        int oh = outDim(h, kh, strides[0], pads[0], pads[2], dil[0]);
        int ow = outDim(w, kw, strides[1], pads[1], pads[3], dil[1]);
        int[] os = {n, o, oh, ow};
        ValueType[] types = withBias ? new ValueType[] {f32(n, c, h, w), f32(o, c / groups, kh, kw), f32(o)}
                : new ValueType[] {f32(n, c, h, w), f32(o, c / groups, kh, kw)};
        assertEquals(Shape.of(os), inferShape("Conv", a, types), what + " inferred shape");
        NdArray y = withBias ? run("Conv", a, x, wt, b) : run("Conv", a, x, wt);
        double[] expect = Naive.conv2d(x, wt, b, strides, pads, dil, groups, oh, ow);
        assertArrayEquals(os, y.shape(), what);
        Naive.assertClose(expect, y.data(), 1e-4, 1e-5, what);
    }

    private static int[] s(int... v) {
        return v;
    }

    @Test
    void dense3x3Stride2Pad1EvenAndOddInputs() {
        for (boolean bias : new boolean[] {true, false}) {
            check("even s2", 2, 3, 16, 16, 8, 3, 3, s(2, 2), s(1, 1, 1, 1), s(1, 1), 1, bias);
            check("odd s2", 2, 3, 15, 13, 8, 3, 3, s(2, 2), s(1, 1, 1, 1), s(1, 1), 1, bias);
            check("dense s1", 1, 5, 9, 7, 6, 3, 3, s(1, 1), s(1, 1, 1, 1), s(1, 1), 1, bias);
        }
    }

    @Test
    void pointwise() {
        for (boolean bias : new boolean[] {true, false}) {
            check("1x1", 2, 16, 7, 7, 24, 1, 1, s(1, 1), s(0, 0, 0, 0), s(1, 1), 1, bias);
            check("1x1 s2", 2, 16, 7, 8, 24, 1, 1, s(2, 2), s(0, 0, 0, 0), s(1, 1), 1, bias);
            check("1x1 padded", 1, 4, 5, 5, 3, 1, 1, s(1, 1), s(1, 0, 0, 1), s(1, 1), 1, bias);
            check("1x1 grouped", 2, 8, 5, 6, 6, 1, 1, s(1, 1), s(0, 0, 0, 0), s(1, 1), 2, bias);
        }
    }

    @Test
    void depthwise() {
        for (boolean bias : new boolean[] {true, false}) {
            check("dw s1", 2, 12, 14, 14, 12, 3, 3, s(1, 1), s(1, 1, 1, 1), s(1, 1), 12, bias);
            check("dw s2", 2, 12, 14, 14, 12, 3, 3, s(2, 2), s(1, 1, 1, 1), s(1, 1), 12, bias);
            check("dw s2 odd", 1, 5, 13, 11, 5, 3, 3, s(2, 2), s(1, 1, 1, 1), s(1, 1), 5, bias);
            check("dw multiplier 2", 2, 4, 8, 9, 8, 3, 3, s(1, 1), s(1, 1, 1, 1), s(1, 1), 4, bias);
            check("dw dilated", 1, 3, 10, 10, 3, 3, 3, s(1, 1), s(2, 2, 2, 2), s(2, 2), 3, bias);
        }
    }

    @Test
    void groupedPaddedDilated() {
        for (boolean bias : new boolean[] {true, false}) {
            check("groups=2", 2, 8, 9, 10, 6, 3, 3, s(1, 1), s(1, 1, 1, 1), s(1, 1), 2, bias);
            check("groups=2 s2", 2, 8, 9, 10, 6, 3, 3, s(2, 2), s(1, 1, 1, 1), s(1, 1), 2, bias);
            check("asymmetric pads", 2, 3, 8, 9, 4, 3, 3, s(1, 1), s(0, 1, 2, 0), s(1, 1), 1, bias);
            check("asymmetric pads s2", 1, 3, 8, 9, 4, 3, 2, s(2, 1), s(2, 0, 1, 3), s(1, 1), 1, bias);
            check("dilation 2", 2, 3, 12, 11, 5, 3, 3, s(1, 1), s(2, 2, 2, 2), s(2, 2), 1, bias);
            check("dilation 2 unpadded", 1, 4, 12, 11, 5, 3, 3, s(1, 1), s(0, 0, 0, 0), s(2, 2), 1, bias);
            check("4x4 s4 patchify", 1, 3, 20, 20, 8, 4, 4, s(4, 4), s(0, 0, 0, 0), s(1, 1), 1, bias);
        }
    }

    @Test
    void handComputedCase() {
        // x = 1..9 in a 3x3 image, 2x2 kernel of ones, stride 1, no pad: sums of each 2x2 window.
        float[] xs = new float[9];
        for (int i = 0; i < 9; i++) xs[i] = i + 1;
        NdArray x = NdArray.of(new int[] {1, 1, 3, 3}, xs);
        NdArray w = NdArray.of(new int[] {1, 1, 2, 2}, new float[] {1, 1, 1, 1});
        NdArray b = NdArray.of(new int[] {1}, new float[] {0.5f});
        NdArray y = run("Conv", Attributes.EMPTY, x, w, b);
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f}, y.data());
        // pad 1 and stride 2, 3x3 kernel whose only nonzero tap is the centre: picks x[::2, ::2]
        float[] centre = new float[9];
        centre[4] = 1;
        NdArray y2 = run("Conv", Attributes.of("strides", s(2, 2), "pads", s(1, 1, 1, 1)), x,
                NdArray.of(new int[] {1, 1, 3, 3}, centre));
        assertArrayEquals(new float[] {1, 3, 7, 9}, y2.data());
    }

    @Test
    void inferenceRejectsBadGeometry() {
        assertRejected("Conv", Attributes.EMPTY, f32(1, 3, 8, 8), f32(4, 2, 3, 3)); // channels
        assertRejected("Conv", Attributes.of("groups", 2), f32(1, 3, 8, 8), f32(4, 1, 3, 3)); // groups vs C
        assertRejected("Conv", Attributes.of("groups", 3), f32(1, 3, 8, 8), f32(4, 1, 3, 3)); // groups vs O
        assertRejected("Conv", Attributes.EMPTY, f32(1, 3, 8, 8), f32(4, 3, 3, 3), f32(3)); // bias
        assertRejected("Conv", Attributes.EMPTY, f32(3, 8, 8), f32(4, 3, 3, 3)); // rank
        assertRejected("Conv", Attributes.EMPTY, f32(1, 3, 8, 8), f32(4, 3, 3)); // weight rank
        assertRejected("Conv", Attributes.EMPTY, f32(1, 3, 2, 2), f32(4, 3, 3, 3)); // kernel > input
        // kernel larger than the input with stride 2: (2 - 3) / 2 must floor to -1, not truncate to 0
        assertRejected("Conv", Attributes.of("strides", s(2, 2)), f32(1, 3, 2, 2), f32(4, 3, 3, 3));
        assertRejected("Conv", Attributes.of("strides", s(3, 3), "dilations", s(2, 2)), f32(1, 3, 4, 4), f32(4, 3, 3, 3));
    }

    @Test
    void macsCountMultiplyAccumulates() {
        Graph g = new Graph("macs");
        Value x = g.addInput("x", f32(2, 8, 10, 10));
        Value w = g.addConstant("w", Tensor.ofFloats(Shape.of(6, 4, 3, 3), new float[6 * 4 * 9]));
        Value y = g.apply("Conv", "c", Attributes.of("pads", s(1, 1, 1, 1), "groups", 2), x, w);
        g.addOutput(y);
        assertEquals(Shape.of(2, 6, 10, 10), y.shape());
        assertEquals(2L * 6 * 10 * 10 * 4 * 9, g.macs());
    }
}
