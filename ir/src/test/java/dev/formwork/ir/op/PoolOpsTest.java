package dev.formwork.ir.op;

import static dev.formwork.ir.testutil.OpRunner.assertRejected;
import static dev.formwork.ir.testutil.OpRunner.f32;
import static dev.formwork.ir.testutil.OpRunner.inferShape;
import static dev.formwork.ir.testutil.OpRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.testutil.Naive;
import org.junit.jupiter.api.Test;

class PoolOpsTest {
    private static Attributes pool(int k, int s, int p, int includePad) {
        return Attributes.of("kernel", new int[] {k, k}, "strides", new int[] {s, s}, "pads", new int[] {p, p, p, p},
                "count_include_pad", includePad);
    }

    private static NdArray ramp(int h, int w) {
        float[] v = new float[h * w];
        for (int i = 0; i < v.length; i++) v[i] = i + 1;
        return NdArray.of(new int[] {1, 1, h, w}, v);
    }

    /**
     * Naive average pool: the window [oy*s-p, oy*s-p+k) clipped to the image; the divisor is the
     * clipped window (count_include_pad=0) or the window clipped to the padded image (=1).
     */
    private static double[] naive(NdArray x, int k, int s, int[] p, boolean includePad, int oh, int ow) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        double[] y = new double[n * c * oh * ow];
        for (int pl = 0; pl < n * c; pl++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double sum = 0;
                    int inside = 0, padded = 0;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            int iy = oy * s - p[0] + ky, ix = ox * s - p[1] + kx;
                            if (iy < h + p[2] && ix < w + p[3]) padded++;
                            if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
                            inside++;
                            sum += x.data()[(pl * h + iy) * w + ix];
                        }
                    y[(pl * oh + oy) * ow + ox] = sum / (includePad ? padded : inside);
                }
        return y;
    }

    @Test
    void excludePadDivisorsOn3x3() {
        // corners divide by 4, edges by 6, the centre by 9
        NdArray y = run("AveragePool", pool(3, 1, 1, 0), ramp(3, 3));
        assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
        assertArrayEquals(new float[] {
            (1 + 2 + 4 + 5) / 4f, (1 + 2 + 3 + 4 + 5 + 6) / 6f, (2 + 3 + 5 + 6) / 4f,
            (1 + 2 + 4 + 5 + 7 + 8) / 6f, 45 / 9f, (2 + 3 + 5 + 6 + 8 + 9) / 6f,
            (4 + 5 + 7 + 8) / 4f, (4 + 5 + 6 + 7 + 8 + 9) / 6f, (5 + 6 + 8 + 9) / 4f}, y.data(), 1e-6f);
        // squares are not linear, so a wrong divisor cannot hide behind symmetry
        float[] sq = new float[9];
        for (int i = 0; i < 9; i++) sq[i] = (i + 1) * (i + 1);
        NdArray y2 = run("AveragePool", pool(3, 1, 1, 0), NdArray.of(new int[] {1, 1, 3, 3}, sq));
        assertEquals((1 + 4 + 16 + 25) / 4f, y2.data()[0], 1e-5f);
        assertEquals((1 + 4 + 9 + 16 + 25 + 36) / 6f, y2.data()[1], 1e-5f);
        assertEquals(285 / 9f, y2.data()[4], 1e-5f);
    }

    @Test
    void excludePadDivisorsOn4x4() {
        NdArray y = run("AveragePool", pool(3, 1, 1, 0), ramp(4, 4));
        float[] d = y.data();
        assertEquals((1 + 2 + 5 + 6) / 4f, d[0], 1e-6f); // corner
        assertEquals((1 + 2 + 3 + 5 + 6 + 7) / 6f, d[1], 1e-6f); // top edge
        assertEquals((1 + 2 + 5 + 6 + 9 + 10) / 6f, d[4], 1e-6f); // left edge
        assertEquals((1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11) / 9f, d[5], 1e-6f); // interior
        assertEquals((6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16) / 9f, d[10], 1e-6f); // interior
        assertEquals((9 + 10 + 11 + 13 + 14 + 15) / 6f, d[13], 1e-6f); // bottom edge
        assertEquals((11 + 12 + 15 + 16) / 4f, d[15], 1e-6f); // corner
        // all-ones input: every output is exactly 1 when pads are not counted
        NdArray ones = NdArray.of(new int[] {1, 2, 4, 4}, filled(32, 1f));
        for (float v : run("AveragePool", pool(3, 1, 1, 0), ones).data()) assertEquals(1f, v);
    }

    @Test
    void includePadDividesByTheFullWindow() {
        NdArray ones = NdArray.of(new int[] {1, 1, 3, 3}, filled(9, 1f));
        NdArray y = run("AveragePool", pool(3, 1, 1, 1), ones);
        assertArrayEquals(new float[] {4 / 9f, 6 / 9f, 4 / 9f, 6 / 9f, 1, 6 / 9f, 4 / 9f, 6 / 9f, 4 / 9f}, y.data(), 1e-6f);
        NdArray r = run("AveragePool", pool(3, 1, 1, 1), ramp(4, 4));
        assertEquals((1 + 2 + 5 + 6) / 9f, r.data()[0], 1e-6f);
    }

    @Test
    void randomInputsAgainstNaive() {
        int[][] cases = { // k, s, p, h, w
            {3, 1, 1, 7, 9}, {3, 2, 1, 7, 9}, {3, 2, 1, 8, 8}, {2, 2, 0, 8, 10}, {2, 2, 0, 7, 9}, {3, 1, 0, 6, 5}, {5, 3, 2, 11, 12},
        };
        long seed = 40;
        for (int[] c : cases) {
            for (int inc = 0; inc <= 1; inc++) {
                NdArray x = Naive.randn(seed++, 2, 3, c[3], c[4]);
                int oh = (c[3] + 2 * c[2] - c[0]) / c[1] + 1, ow = (c[4] + 2 * c[2] - c[0]) / c[1] + 1;
                Attributes a = pool(c[0], c[1], c[2], inc);
                assertEquals(Shape.of(2, 3, oh, ow), inferShape("AveragePool", a, f32(2, 3, c[3], c[4])));
                NdArray y = run("AveragePool", a, x);
                Naive.assertClose(naive(x, c[0], c[1], new int[] {c[2], c[2], c[2], c[2]}, inc == 1, oh, ow), y,
                        new int[] {2, 3, oh, ow}, 1e-6, "pool " + java.util.Arrays.toString(c) + " cip=" + inc);
            }
        }
    }

    @Test
    void asymmetricPads() {
        int[][] pads = {{0, 1, 2, 1}, {2, 0, 0, 1}, {1, 2, 1, 0}};
        long seed = 60;
        for (int[] p : pads) {
            for (int inc = 0; inc <= 1; inc++) {
                NdArray x = Naive.randn(seed++, 1, 2, 7, 8);
                int oh = (7 + p[0] + p[2] - 3) / 2 + 1, ow = (8 + p[1] + p[3] - 3) / 2 + 1;
                Attributes a = Attributes.of("kernel", new int[] {3, 3}, "strides", new int[] {2, 2}, "pads", p, "count_include_pad", inc);
                NdArray y = run("AveragePool", a, x);
                Naive.assertClose(naive(x, 3, 2, p, inc == 1, oh, ow), y, new int[] {1, 2, oh, ow}, 1e-6,
                        "pool pads " + java.util.Arrays.toString(p) + " cip=" + inc);
            }
        }
    }

    @Test
    void kernel1Stride2Subsamples() {
        NdArray x = Naive.randn(77, 2, 3, 7, 6);
        NdArray y = run("AveragePool", pool(1, 2, 0, 0), x);
        assertArrayEquals(new int[] {2, 3, 4, 3}, y.shape());
        for (int pl = 0; pl < 6; pl++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 3; j++) assertEquals(x.data()[(pl * 7 + 2 * i) * 6 + 2 * j], y.data()[(pl * 4 + i) * 3 + j], 0f);
    }

    @Test
    void kernel2Stride2() {
        NdArray y = run("AveragePool", pool(2, 2, 0, 0), ramp(4, 4));
        assertArrayEquals(new float[] {(1 + 2 + 5 + 6) / 4f, (3 + 4 + 7 + 8) / 4f, (9 + 10 + 13 + 14) / 4f, (11 + 12 + 15 + 16) / 4f},
                y.data(), 1e-6f);
    }

    @Test
    void rejectsBadInputs() {
        assertRejected("AveragePool", pool(3, 1, 1, 0), f32(1, 4, 4));
        assertRejected("AveragePool", pool(5, 1, 0, 0), f32(1, 1, 4, 4));
        // window larger than the input with stride 2: floor((4 - 5) / 2) + 1 = 0
        assertRejected("AveragePool", pool(5, 2, 0, 0), f32(1, 1, 4, 4));
        assertRejected("AveragePool", Attributes.EMPTY, f32(1, 1, 4, 4)); // kernel is required
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void maxPoolSkipsPaddingAndHonoursDilationsAndStrides() {
        // 4x4 ramp 1..16; kernel 2, dilation 2, stride 1, pad 1 at the start: by hand
        Attributes a = Attributes.of("kernel", new int[] {2, 2}, "strides", new int[] {1, 1}, "pads", new int[] {1, 1, 0, 0},
                "dilations", new int[] {2, 2});
        NdArray y = run("MaxPool", a, ramp(4, 4));
        assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
        // out (0,0): taps (-1,-1),(-1,1),(1,-1),(1,1) -> only (1,1) = 6 is inside
        assertArrayEquals(new float[] {6, 7, 8, 10, 11, 12, 14, 15, 16}, y.data());
    }

    @Test
    void maxPoolOneAndThreeSpatialAxes() {
        NdArray x1 = NdArray.of(new int[] {1, 1, 5}, new float[] {3, -1, 2, 1, -5});
        assertArrayEquals(new float[] {3, 2, 2}, run("MaxPool", Attributes.of("kernel", new int[] {3}, "strides", new int[] {1}), x1).data());
        float[] v = new float[8];
        for (int i = 0; i < 8; i++) v[i] = (i * 5) % 8; // 0 5 2 7 4 1 6 3
        NdArray y = run("MaxPool", Attributes.of("kernel", new int[] {2, 2, 2}), NdArray.of(new int[] {1, 1, 2, 2, 2}, v));
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, y.shape());
        assertEquals(7f, y.data()[0]);
        NdArray nan = NdArray.of(new int[] {1, 1, 2}, new float[] {1, Float.NaN});
        assertTrue(Float.isNaN(run("MaxPool", Attributes.of("kernel", new int[] {2}), nan).data()[0]), "NaN propagates");
        assertEquals(Shape.of(1, 2, 3, 3), inferShape("MaxPool", Attributes.of("kernel", new int[] {3, 3}, "strides", new int[] {2, 2},
                "pads", new int[] {1, 1, 1, 1}), f32(1, 2, 6, 6)));
        assertRejected("MaxPool", Attributes.of("kernel", new int[] {3, 3}), f32(1, 1, 2, 2));
    }

    @Test
    void maxPoolNhwcIsTheNchwResultPermuted() {
        float[] v = new float[2 * 3 * 5 * 7];
        for (int i = 0; i < v.length; i++) v[i] = (i * 37) % 101 - 50;
        NdArray nchw = NdArray.of(new int[] {2, 3, 5, 7}, v);
        Attributes a = Attributes.of("kernel", new int[] {3, 3}, "strides", new int[] {2, 2}, "pads", new int[] {1, 1, 1, 1});
        NdArray want = ShapeOps.permute(run("MaxPool", a, nchw), new int[] {0, 2, 3, 1});
        NdArray got = run("MaxPool", a.with("layout", "NHWC"), ShapeOps.permute(nchw, new int[] {0, 2, 3, 1}));
        assertArrayEquals(want.shape(), got.shape());
        assertArrayEquals(want.data(), got.data());
        assertEquals(Shape.of(1, 3, 3, 2), inferShape("MaxPool", a.with("layout", "NHWC"), f32(1, 6, 6, 2)));
    }
}
