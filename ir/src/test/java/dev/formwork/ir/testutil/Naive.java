package dev.formwork.ir.testutil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.formwork.ir.interp.NdArray;
import java.util.Arrays;
import java.util.Random;

/**
 * Straightforward double-precision references written from the ops' definitions, plus index
 * helpers and comparison asserts. Nothing here calls into the kernels under test.
 */
public final class Naive {
    private Naive() {}

    // ------------------------------------------------------------------ data

    public static float[] randnArray(long seed, int n) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    public static float[] uniformArray(long seed, int n, double lo, double hi) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return a;
    }

    public static NdArray randn(long seed, int... shape) {
        return NdArray.of(shape, randnArray(seed, numel(shape)));
    }

    public static NdArray uniform(long seed, double lo, double hi, int... shape) {
        return NdArray.of(shape, uniformArray(seed, numel(shape), lo, hi));
    }

    public static int numel(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    // ------------------------------------------------------------------ indexing

    /** Row-major multi-index of flat position {@code flat}. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    public static int ravel(int[] idx, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
        return f;
    }

    /**
     * NumPy broadcasting: the flat index into an operand of shape {@code in} read by output
     * multi-index {@code outIdx} (dims right-aligned; a size-1 dim always reads index 0).
     */
    public static int broadcastIndex(int[] outIdx, int[] in) {
        int off = outIdx.length - in.length;
        int f = 0;
        for (int d = 0; d < in.length; d++) f = f * in[d] + (in[d] == 1 ? 0 : outIdx[d + off]);
        return f;
    }

    // ------------------------------------------------------------------ references

    /**
     * Convolution straight from the definition: y[n,o,oy,ox] = b[o] + sum over c in o's group,
     * ky, kx of x[n, c, oy*s - pad + ky*d, ...] * w[o, c - group start, ky, kx].
     */
    public static double[] conv2d(NdArray x, NdArray w, NdArray bias, int[] strides, int[] pads, int[] dil,
                                  int groups, int oh, int ow) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int o = w.dim(0), cg = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        int og = o / groups;
        float[] xs = x.data(), ws = w.data();
        double[] y = new double[n * o * oh * ow];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double s = bias == null ? 0 : bias.data()[oc];
                        for (int ci = 0; ci < cg; ci++) {
                            int ic = g * cg + ci;
                            for (int ky = 0; ky < kh; ky++)
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * strides[0] - pads[0] + ky * dil[0];
                                    int ix = ox * strides[1] - pads[1] + kx * dil[1];
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    s += (double) xs[((b * c + ic) * h + iy) * wd + ix]
                                            * ws[((oc * cg + ci) * kh + ky) * kw + kx];
                                }
                        }
                        y[((b * o + oc) * oh + oy) * ow + ox] = s;
                    }
            }
        return y;
    }

    /** C = A x B for row-major A [m,k], B [k,n] (or B stored [n,k] when transB). */
    public static double[] matmul(float[] a, float[] b, int m, int n, int k, boolean transB) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[i * k + p] * (transB ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = s;
            }
        return c;
    }

    /**
     * erf(x) to about 1e-15 absolute, independent of any fit: the everywhere-convergent series
     * erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1*3*...*(2n+1)), all terms positive.
     * Used for |x| <= 7 (beyond that erf is 1 in double anyway).
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (z > 7) return Math.signum(x);
        double term = z, sum = z;
        for (int n = 1; n < 1000; n++) {
            term *= 2 * z * z / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-18) break;
        }
        double r = 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
        return x < 0 ? -r : r;
    }

    // ------------------------------------------------------------------ asserts

    /** |actual - expected| <= atol + rtol * |expected| elementwise; reports the worst index. */
    public static void assertClose(double[] expected, float[] actual, double atol, double rtol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            double excess = err - (atol + rtol * Math.abs(expected[i]));
            if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst >= 0) {
            fail(what + ": element " + worst + " is " + actual[worst] + ", expected " + expected[worst]
                    + " (atol " + atol + ", rtol " + rtol + ")");
        }
    }

    public static void assertClose(double[] expected, NdArray actual, int[] shape, double atol, String what) {
        assertArrayEquals(shape, actual.shape(), what + ": shape " + Arrays.toString(actual.shape()));
        assertClose(expected, actual.data(), atol, 0, what);
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
