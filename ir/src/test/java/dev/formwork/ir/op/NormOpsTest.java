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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NormOpsTest {
    /** y = (x - mean[c]) / sqrt(var[c] + eps) * scale[c] + bias[c], c = axis 1. */
    private static double[] batchNorm(NdArray x, NdArray sc, NdArray b, NdArray m, NdArray v, double eps) {
        int[] s = x.shape();
        double[] y = new double[x.size()];
        for (int i = 0; i < y.length; i++) {
            int c = Naive.unravel(i, s)[1];
            y[i] = (x.data()[i] - (double) m.data()[c]) / Math.sqrt(v.data()[c] + eps) * sc.data()[c] + b.data()[c];
        }
        return y;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void batchNormMatchesDefinition(int rank) {
        int[] shape = rank == 2 ? new int[] {5, 7} : rank == 3 ? new int[] {2, 7, 9} : new int[] {2, 7, 5, 6};
        int c = 7;
        NdArray x = Naive.randn(rank, shape);
        NdArray sc = Naive.randn(10 + rank, c), b = Naive.randn(20 + rank, c), m = Naive.randn(30 + rank, c);
        NdArray v = Naive.uniform(40 + rank, 0.05, 3, c);
        for (double eps : new double[] {1e-5, 1e-3}) {
            Attributes a = eps == 1e-5 ? Attributes.EMPTY : Attributes.of("epsilon", eps);
            assertEquals(Shape.of(shape), inferShape("BatchNorm", a, f32(shape), f32(c), f32(c), f32(c), f32(c)));
            NdArray y = run("BatchNorm", a, x, sc, b, m, v);
            assertArrayEquals(shape, y.shape());
            Naive.assertClose(batchNorm(x, sc, b, m, v, eps), y.data(), 2e-6, 2e-6, "BatchNorm rank " + rank + " eps " + eps);
        }
    }

    @Test
    void batchNormHandCase() {
        // one channel: mean 1, var 3 (eps 1 -> sqrt(4) = 2), scale 2, bias 1: y = (x - 1) / 2 * 2 + 1 = x
        NdArray x = NdArray.of(new int[] {1, 1, 2}, new float[] {5, -3});
        NdArray one = NdArray.of(new int[] {1}, new float[] {1});
        NdArray y = run("BatchNorm", Attributes.of("epsilon", 1.0), x, NdArray.of(new int[] {1}, new float[] {2}), one, one,
                NdArray.of(new int[] {1}, new float[] {3}));
        assertArrayEquals(new float[] {5, -3}, y.data(), 1e-6f);
    }

    /** Mean and biased variance over the trailing axes from {@code axis}; scale/bias shaped like them. */
    private static double[] layerNorm(NdArray x, NdArray g, NdArray b, int inner, double eps) {
        double[] y = new double[x.size()];
        float[] a = x.data();
        for (int o = 0; o < a.length / inner; o++) {
            double mean = 0, var = 0;
            for (int j = 0; j < inner; j++) mean += a[o * inner + j];
            mean /= inner;
            for (int j = 0; j < inner; j++) var += (a[o * inner + j] - mean) * (a[o * inner + j] - mean);
            var /= inner;
            for (int j = 0; j < inner; j++) {
                y[o * inner + j] = (a[o * inner + j] - mean) / Math.sqrt(var + eps) * g.data()[j] + b.data()[j];
            }
        }
        return y;
    }

    @Test
    void layerNormLastAxis() {
        NdArray x = Naive.randn(50, 2, 5, 7);
        // a large offset checks the two-pass variance
        for (int i = 0; i < x.size(); i++) x.data()[i] += 100;
        NdArray g = Naive.randn(51, 7), b = Naive.randn(52, 7);
        assertEquals(Shape.of(2, 5, 7), inferShape("LayerNorm", Attributes.EMPTY, f32(2, 5, 7), f32(7), f32(7)));
        NdArray y = run("LayerNorm", Attributes.EMPTY, x, g, b);
        Naive.assertClose(layerNorm(x, g, b, 7, 1e-5), y.data(), 1e-5, 1e-5, "LayerNorm axis -1");
        NdArray y2 = run("LayerNorm", Attributes.of("axis", 2, "epsilon", 1e-6), x, g, b);
        Naive.assertClose(layerNorm(x, g, b, 7, 1e-6), y2.data(), 1e-5, 1e-5, "LayerNorm axis 2");
    }

    @Test
    void layerNormAxis1On4D() {
        NdArray x = Naive.randn(60, 2, 3, 4, 5);
        NdArray g = Naive.randn(61, 3, 4, 5), b = Naive.randn(62, 3, 4, 5);
        NdArray y = run("LayerNorm", Attributes.of("axis", 1), x, g, b);
        assertArrayEquals(new int[] {2, 3, 4, 5}, y.shape());
        Naive.assertClose(layerNorm(x, g, b, 60, 1e-5), y.data(), 1e-5, 1e-5, "LayerNorm axis 1");
        // GroupNorm(1)-style use: scale given flat
        NdArray y2 = run("LayerNorm", Attributes.of("axis", -3), x, g.reshape(60), b.reshape(60));
        assertArrayEquals(y.data(), y2.data());
    }

    @Test
    void layerNormHandCase() {
        // [1, 3]: mean 2, variance 1 -> normalised [-1, 1] (eps 0)
        NdArray y = run("LayerNorm", Attributes.of("epsilon", 0.0), NdArray.of(new int[] {1, 2}, new float[] {1, 3}),
                NdArray.of(new int[] {2}, new float[] {1, 1}), NdArray.of(new int[] {2}, new float[] {0, 0}));
        assertArrayEquals(new float[] {-1, 1}, y.data(), 1e-7f);
    }

    @Test
    void rejectsMismatchedParameters() {
        assertRejected("BatchNorm", Attributes.EMPTY, f32(2, 4, 3, 3), f32(4), f32(4), f32(3), f32(4));
        assertRejected("BatchNorm", Attributes.EMPTY, f32(4), f32(4), f32(4), f32(4), f32(4));
        assertRejected("LayerNorm", Attributes.EMPTY, f32(2, 5, 7), f32(5), f32(7));
        assertRejected("LayerNorm", Attributes.of("axis", 3), f32(2, 5, 7), f32(7), f32(7));
        assertRejected("LayerNorm", Attributes.of("axis", 1), f32(2, 5, 7), f32(7), f32(7));
    }
}
