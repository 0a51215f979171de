package dev.formwork.ir.op;

import static dev.formwork.ir.testutil.OpRunner.assertRejected;
import static dev.formwork.ir.testutil.OpRunner.f32;
import static dev.formwork.ir.testutil.OpRunner.inferShape;
import static dev.formwork.ir.testutil.OpRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.testutil.Naive;
import org.junit.jupiter.api.Test;

class ResizeOpsTest {
    private static Attributes scales(double sh, double sw) {
        return Attributes.of("scales", new double[] {sh, sw});
    }

    /**
     * PyTorch's upsample_bilinear2d (align_corners=False) per axis: src = max((d + 0.5) / scale -
     * 0.5, 0), i0 = floor(src), i1 = min(i0 + 1, in - 1), lambda = src - i0.
     */
    private static double[] torchBilinear(NdArray x, double sh, double sw, int oh, int ow) {
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
        double[] y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++) {
                double sy = Math.max((i + 0.5) / sh - 0.5, 0);
                int y0 = (int) Math.floor(sy), y1 = Math.min(y0 + 1, h - 1);
                double ly = sy - y0;
                for (int j = 0; j < ow; j++) {
                    double sx = Math.max((j + 0.5) / sw - 0.5, 0);
                    int x0 = (int) Math.floor(sx), x1 = Math.min(x0 + 1, w - 1);
                    double lx = sx - x0;
                    float[] a = x.data();
                    int b = p * h * w;
                    y[(p * oh + i) * ow + j] = (1 - ly) * ((1 - lx) * a[b + y0 * w + x0] + lx * a[b + y0 * w + x1])
                            + ly * ((1 - lx) * a[b + y1 * w + x0] + lx * a[b + y1 * w + x1]);
                }
            }
        return y;
    }

    @Test
    void bilinearX2EdgesByHand() {
        float[] in = {1, 5, 2, 10};
        NdArray y = run("Resize", scales(1, 2), NdArray.of(new int[] {1, 1, 1, 4}, in));
        assertArrayEquals(new int[] {1, 1, 1, 8}, y.shape());
        float[] o = y.data();
        assertEquals(in[0], o[0], 0f); // src clamps to 0
        assertEquals(0.75 * in[0] + 0.25 * in[1], o[1], 1e-6);
        assertEquals(0.25 * in[0] + 0.75 * in[1], o[2], 1e-6);
        assertEquals(0.75 * in[1] + 0.25 * in[2], o[3], 1e-6);
        assertEquals(0.25 * in[2] + 0.75 * in[3], o[6], 1e-6);
        assertEquals(in[3], o[7], 0f); // src 3.25 -> both taps are the last pixel
        // the same along H
        NdArray t = run("Resize", scales(2, 1), NdArray.of(new int[] {1, 1, 4, 1}, in));
        assertArrayEquals(o, t.data());
    }

    @Test
    void bilinearMatchesTorchFormula() {
        double[][] cases = {{2, 2}, {2, 3}, {1.5, 0.5}, {4, 4}};
        long seed = 90;
        for (double[] s : cases) {
            NdArray x = Naive.randn(seed++, 2, 3, 5, 6);
            int oh = (int) Math.floor(5 * s[0]), ow = (int) Math.floor(6 * s[1]);
            assertEquals(Shape.of(2, 3, oh, ow), inferShape("Resize", scales(s[0], s[1]), f32(2, 3, 5, 6)));
            NdArray y = run("Resize", scales(s[0], s[1]), x);
            Naive.assertClose(torchBilinear(x, s[0], s[1], oh, ow), y, new int[] {2, 3, oh, ow}, 1e-6,
                    "resize x" + s[0] + "," + s[1]);
        }
    }

    @Test
    void constantImageStaysConstant() {
        float[] v = new float[12];
        java.util.Arrays.fill(v, 3.25f);
        for (float f : run("Resize", scales(2, 2), NdArray.of(new int[] {1, 1, 3, 4}, v)).data()) assertEquals(3.25f, f);
    }

    @Test
    void rejectsUnsupportedForms() {
        assertRejected("Resize", scales(2, 2), f32(1, 4, 4));
        assertRejected("Resize", scales(2, 2).with("mode", "nearest"), f32(1, 1, 4, 4));
        assertRejected("Resize", scales(2, 2).with("coordinate_transformation_mode", "align_corners"), f32(1, 1, 4, 4));
        assertRejected("Resize", Attributes.of("scales", new double[] {2}), f32(1, 1, 4, 4));
        assertRejected("Resize", scales(0.1, 1), f32(1, 1, 4, 4));
    }
}
