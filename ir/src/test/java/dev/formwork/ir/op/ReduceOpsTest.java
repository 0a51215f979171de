package dev.formwork.ir.op;

import static dev.formwork.ir.testutil.OpRunner.assertRejected;
import static dev.formwork.ir.testutil.OpRunner.f32;
import static dev.formwork.ir.testutil.OpRunner.inferShape;
import static dev.formwork.ir.testutil.OpRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.testutil.Naive;
import org.junit.jupiter.api.Test;

class ReduceOpsTest {
    /** softmax(x)_j = exp(x_j - max) / sum_k exp(x_k - max) along {@code axis}. */
    private static double[] softmax(NdArray x, int axis) {
        int[] s = x.shape();
        double[] y = new double[x.size()];
        for (int i = 0; i < y.length; i++) {
            int[] idx = Naive.unravel(i, s);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < s[axis]; j++) {
                idx[axis] = j;
                max = Math.max(max, x.data()[Naive.ravel(idx, s)]);
            }
            for (int j = 0; j < s[axis]; j++) {
                idx[axis] = j;
                sum += Math.exp(x.data()[Naive.ravel(idx, s)] - max);
            }
            y[i] = Math.exp(x.data()[i] - max) / sum;
        }
        return y;
    }

    @Test
    void softmaxLastAxisAndAxis1() {
        NdArray x = Naive.uniform(1, -5, 5, 2, 5, 3, 49);
        NdArray y = run("Softmax", x);
        Naive.assertClose(softmax(x, 3), y, x.shape(), 2e-7, "softmax axis -1");
        NdArray y1 = run("Softmax", Attributes.of("axis", 1), x);
        Naive.assertClose(softmax(x, 1), y1, x.shape(), 2e-7, "softmax axis 1");
        NdArray y0 = run("Softmax", Attributes.of("axis", -4), x);
        Naive.assertClose(softmax(x, 0), y0, x.shape(), 2e-7, "softmax axis 0");
        // each row sums to one
        for (int r = 0; r < x.size() / 49; r++) {
            double sum = 0;
            for (int j = 0; j < 49; j++) sum += y.data()[r * 49 + j];
            assertEquals(1.0, sum, 1e-6);
        }
    }

    @Test
    void softmaxIsStableForLargeValues() {
        NdArray x = NdArray.of(new int[] {2, 3}, new float[] {1000, 1001, 1002, -1000, -1001, -1002});
        float[] y = run("Softmax", x).data();
        double e0 = 1 / (1 + Math.E + Math.E * Math.E);
        double[] expect = {e0, Math.E * e0, Math.E * Math.E * e0, Math.E * Math.E * e0, Math.E * e0, e0};
        Naive.assertClose(expect, y, 1e-7, 0, "softmax of large values");
        for (float v : y) assertFalse(Float.isNaN(v));
        NdArray big = Naive.uniform(3, 3e4, 3.0001e4, 4, 30);
        Naive.assertClose(softmax(big, 1), run("Softmax", big), big.shape(), 2e-7, "softmax around 3e4");
        // hand case: equal logits give a uniform distribution
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, run("Softmax", NdArray.of(new int[] {4}, new float[] {7, 7, 7, 7})).data());
    }

    /** Mean over the axes in {@code mask}; output in row-major order of the kept axes. */
    private static double[] mean(NdArray x, boolean[] mask) {
        int[] s = x.shape();
        int[] os = new int[s.length];
        int count = 1;
        for (int d = 0; d < s.length; d++) {
            os[d] = mask[d] ? 1 : s[d];
            if (mask[d]) count *= s[d];
        }
        double[] y = new double[Naive.numel(os)];
        for (int i = 0; i < x.size(); i++) {
            int[] idx = Naive.unravel(i, s);
            for (int d = 0; d < s.length; d++) if (mask[d]) idx[d] = 0;
            y[Naive.ravel(idx, os)] += x.data()[i];
        }
        for (int i = 0; i < y.length; i++) y[i] /= count;
        return y;
    }

    private static void checkMean(int[] shape, int[] axes, boolean[] mask, int[] keepShape, int[] dropShape) {
        NdArray x = Naive.randn(shape.length * 31L + axes.length, shape);
        double[] expect = mean(x, mask);
        Attributes keep = Attributes.of("axes", axes), drop = Attributes.of("axes", axes, "keepdims", 0);
        assertEquals(Shape.of(keepShape), inferShape("ReduceMean", keep, f32(shape)));
        assertEquals(Shape.of(dropShape), inferShape("ReduceMean", drop, f32(shape)));
        Naive.assertClose(expect, run("ReduceMean", keep, x), keepShape, 1e-6, "ReduceMean keepdims 1");
        Naive.assertClose(expect, run("ReduceMean", drop, x), dropShape, 1e-6, "ReduceMean keepdims 0");
    }

    @Test
    void reduceMeanAxes() {
        checkMean(new int[] {2, 3, 7, 7}, new int[] {2, 3}, new boolean[] {false, false, true, true},
                new int[] {2, 3, 1, 1}, new int[] {2, 3});
        checkMean(new int[] {2, 49, 5}, new int[] {1}, new boolean[] {false, true, false}, new int[] {2, 1, 5}, new int[] {2, 5});
        checkMean(new int[] {2, 3, 4, 5}, new int[] {-1, -2}, new boolean[] {false, false, true, true},
                new int[] {2, 3, 1, 1}, new int[] {2, 3});
        checkMean(new int[] {2, 3, 4, 5}, new int[] {0, 2}, new boolean[] {true, false, true, false},
                new int[] {1, 3, 1, 5}, new int[] {3, 5});
        checkMean(new int[] {6}, new int[] {0}, new boolean[] {true}, new int[] {1}, new int[] {});
    }

    @Test
    void reduceMeanHandCase() {
        NdArray x = NdArray.of(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 9});
        assertArrayEquals(new float[] {2, 6}, run("ReduceMean", Attributes.of("axes", new int[] {1}), x).data());
        assertArrayEquals(new float[] {2.5f, 3.5f, 6}, run("ReduceMean", Attributes.of("axes", new int[] {0}, "keepdims", 0), x).data());
    }

    @Test
    void rejectsBadAxes() {
        assertRejected("ReduceMean", Attributes.of("axes", new int[] {4}), f32(2, 3, 4, 5));
        assertRejected("ReduceMean", Attributes.of("axes", new int[] {-5}), f32(2, 3, 4, 5));
        assertRejected("ReduceMean", Attributes.EMPTY, f32(2, 3)); // axes required
        assertRejected("Softmax", Attributes.of("axis", 2), f32(2, 3));
        assertRejected("Softmax", Attributes.of("axis", -3), f32(2, 3));
    }

    @Test
    void reduceSumAndMaxOverAxes() {
        NdArray x = NdArray.of(new int[] {2, 3}, new float[] {1, -2, 3, 4, 5, -6});
        Attributes rows = Attributes.of("axes", new int[] {1}, "keepdims", 0);
        assertArrayEquals(new float[] {2, 3}, run("ReduceSum", rows, x).data());
        assertArrayEquals(new float[] {3, 5}, run("ReduceMax", rows, x).data());
        NdArray all = run("ReduceMax", Attributes.of("axes", new int[] {0, 1}, "keepdims", 1), x);
        assertArrayEquals(new int[] {1, 1}, all.shape());
        assertEquals(5f, all.data()[0]);
        NdArray cols = run("ReduceSum", Attributes.of("axes", new int[] {-2}, "keepdims", 1), x);
        assertArrayEquals(new int[] {1, 3}, cols.shape());
        assertArrayEquals(new float[] {5, 3, -3}, cols.data());
        NdArray nan = NdArray.of(new int[] {3}, new float[] {1, Float.NaN, 2});
        assertEquals(Float.NaN, run("ReduceMax", Attributes.of("axes", new int[] {0}, "keepdims", 0), nan).data()[0], "NaN propagates");
    }
}
