package dev.formwork.ir.op;

import static dev.formwork.ir.testutil.OpRunner.assertRejected;
import static dev.formwork.ir.testutil.OpRunner.f32;
import static dev.formwork.ir.testutil.OpRunner.inferShape;
import static dev.formwork.ir.testutil.OpRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.testutil.Naive;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MatMulOpsTest {
    private static long seed = 300;

    /**
     * NumPy matmul by definition: out[batch..., i, j] = sum_p a[bcast(batch), i, p] * b[bcast(batch), p, j],
     * with the error bound of a float dot product: 2e-6 * sum_p |a||b| (plus a tiny floor).
     */
    private static void checkMatMul(int[] as, int[] bs, int[] expectShape) {
        NdArray a = Naive.randn(seed++, as), b = Naive.randn(seed++, bs);
        assertEquals(Shape.of(expectShape), inferShape("MatMul", Attributes.EMPTY, f32(as), f32(bs)));
        NdArray y = run("MatMul", a, b);
        String what = Arrays.toString(as) + " x " + Arrays.toString(bs);
        assertArrayEquals(expectShape, y.shape(), what);
        int r = expectShape.length, m = expectShape[r - 2], n = expectShape[r - 1], k = as[as.length - 1];
        int[] batch = Arrays.copyOf(expectShape, r - 2);
        int[] aBatch = Arrays.copyOf(as, as.length - 2), bBatch = Arrays.copyOf(bs, bs.length - 2);
        int batches = Naive.numel(batch);
        for (int t = 0; t < batches; t++) {
            int[] bi = Naive.unravel(t, batch);
            int aOff = Naive.broadcastIndex(bi, aBatch) * m * k, bOff = Naive.broadcastIndex(bi, bBatch) * k * n;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        double prod = (double) a.data()[aOff + i * k + p] * b.data()[bOff + p * n + j];
                        s += prod;
                        abs += Math.abs(prod);
                    }
                    float got = y.data()[(t * m + i) * n + j];
                    if (!(Math.abs(got - s) <= 2e-6 * abs + 1e-30)) {
                        fail(what + " at batch " + t + " [" + i + "," + j + "]: " + got + " vs " + s);
                    }
                }
        }
    }

    @Test
    void matMul2DOverTileEdges() {
        for (int m : new int[] {1, 5, 6, 7, 13, 49})
            for (int n : new int[] {1, 15, 31, 32, 33, 100})
                for (int k : new int[] {1, 3, 64, 300}) checkMatMul(new int[] {m, k}, new int[] {k, n}, new int[] {m, n});
    }

    @Test
    void matMulBatched4D() {
        checkMatMul(new int[] {2, 8, 49, 32}, new int[] {2, 8, 32, 49}, new int[] {2, 8, 49, 49});
        checkMatMul(new int[] {2, 8, 49, 49}, new int[] {2, 8, 49, 32}, new int[] {2, 8, 49, 32});
    }

    @Test
    void matMulBroadcastBatch() {
        checkMatMul(new int[] {8, 49, 64}, new int[] {1, 64, 40}, new int[] {8, 49, 40});
        checkMatMul(new int[] {8, 49, 64}, new int[] {64, 40}, new int[] {8, 49, 40});
        checkMatMul(new int[] {1, 49, 64}, new int[] {8, 64, 40}, new int[] {8, 49, 40});
        checkMatMul(new int[] {2, 1, 5, 4}, new int[] {3, 4, 6}, new int[] {2, 3, 5, 6});
        checkMatMul(new int[] {5, 4}, new int[] {2, 3, 4, 7}, new int[] {2, 3, 5, 7});
        checkMatMul(new int[] {150, 70}, new int[] {70, 90}, new int[] {150, 90}); // tall: the row-split path
    }

    @Test
    void matMulHandCase() {
        NdArray a = NdArray.of(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        NdArray b = NdArray.of(new int[] {3, 2}, new float[] {7, 8, 9, 10, 11, 12});
        assertArrayEquals(new float[] {58, 64, 139, 154}, run("MatMul", a, b).data());
    }

    @Test
    void matMulRejects() {
        assertRejected("MatMul", Attributes.EMPTY, f32(3, 4), f32(5, 6));
        assertRejected("MatMul", Attributes.EMPTY, f32(4), f32(4, 6));
        assertRejected("MatMul", Attributes.EMPTY, f32(2, 3, 4), f32(3, 4, 5));
    }

    /** y[..., o] = b[o] + sum_i x[..., i] * W[o, i]. */
    private static void checkLinear(int[] xs, int out, boolean bias) {
        int in = xs[xs.length - 1];
        NdArray x = Naive.randn(seed++, xs), w = Naive.randn(seed++, out, in), b = Naive.randn(seed++, out);
        int[] ys = xs.clone();
        ys[ys.length - 1] = out;
        Shape inferred = bias ? inferShape("Linear", Attributes.EMPTY, f32(xs), f32(out, in), f32(out))
                : inferShape("Linear", Attributes.EMPTY, f32(xs), f32(out, in));
        assertEquals(Shape.of(ys), inferred);
        NdArray y = bias ? run("Linear", Attributes.EMPTY, x, w, b) : run("Linear", Attributes.EMPTY, x, w);
        assertArrayEquals(ys, y.shape());
        int rows = x.size() / in;
        double[] expect = new double[rows * out];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < out; o++) {
                double s = bias ? b.data()[o] : 0;
                for (int i = 0; i < in; i++) s += (double) x.data()[r * in + i] * w.data()[o * in + i];
                expect[r * out + o] = s;
            }
        Naive.assertClose(expect, y.data(), 1e-4, 1e-5, "Linear " + Arrays.toString(xs) + " -> " + out + " bias " + bias);
    }

    @Test
    void linearRank2And3() {
        for (boolean bias : new boolean[] {true, false}) {
            checkLinear(new int[] {5, 48}, 10, bias);
            checkLinear(new int[] {1, 7}, 1, bias);
            checkLinear(new int[] {2, 49, 64}, 256, bias);
            checkLinear(new int[] {2, 49, 64}, 33, bias);
            checkLinear(new int[] {3, 2, 4, 9}, 13, bias);
        }
    }

    @Test
    void linearRejects() {
        assertRejected("Linear", Attributes.EMPTY, f32(2, 8), f32(4, 7));
        assertRejected("Linear", Attributes.EMPTY, f32(2, 8), f32(4, 8, 1));
        assertRejected("Linear", Attributes.EMPTY, f32(2, 8), f32(4, 8), f32(8));
    }

    @Test
    void macs() {
        Graph g = new Graph("m");
        Value x = g.addInput("x", f32(2, 49, 64));
        Value w = g.addConstant("w", Tensor.ofFloats(Shape.of(32, 64), new float[32 * 64]));
        Value y = g.apply("Linear", "fc", x, w);
        Value q = g.apply("MatMul", "qk", y, g.apply("Transpose", "t", Attributes.of("perm", new int[] {0, 2, 1}), y));
        g.addOutput(q);
        assertEquals(2L * 49 * 32 * 64 + 2L * 49 * 49 * 32, g.macs());
    }
}
