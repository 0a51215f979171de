package dev.formwork.runtimes.coreml.kernels;

import java.util.Arrays;

/**
 * NumPy-style broadcasting, as the MIL elementwise ops ({@code elementwise_binary.py}: "numpy
 * broadcasting") and the NN {@code *Broadcastable} layers define it: shapes are aligned at the
 * right, and each pair of dimensions must be equal or one of them 1.
 */
public final class Broadcast {
    private Broadcast() {}

    /** A binary float function. */
    @FunctionalInterface
    public interface Op {
        float apply(float a, float b);
    }

    /** The broadcast result shape, or null when the shapes are incompatible. */
    public static int[] shape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int k = 0; k < r; k++) {
            int da = k - (r - a.length) >= 0 ? a[k - (r - a.length)] : 1;
            int db = k - (r - b.length) >= 0 ? b[k - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) return null;
            out[k] = da == 1 ? db : da;
        }
        return out;
    }

    /** Row-major strides of {@code shape} laid out in {@code out}-rank space; 0 where broadcast. */
    public static int[] strides(int[] shape, int[] out) {
        int r = out.length;
        int[] st = new int[r];
        int s = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            int ok = k + (r - shape.length);
            st[ok] = shape[k] == 1 && out[ok] != 1 ? 0 : s;
            s *= shape[k];
        }
        return st;
    }

    /** Expands {@code x} of shape {@code from} to shape {@code to} (which it must broadcast to). */
    public static float[] expand(float[] x, int[] from, int[] to) {
        if (Arrays.equals(from, to)) return x.clone();
        return apply(x, from, new float[1], new int[0], to, (p, q) -> p);
    }

    /** {@code op(a, b)} elementwise over the broadcast shape {@code out}. */
    public static float[] apply(float[] a, int[] as, float[] b, int[] bs, int[] out, Op op) {
        int n = 1;
        for (int d : out) n *= d;
        float[] y = new float[n];
        if (n == 0) return y;
        if (a.length == n && b.length == n && Arrays.equals(as, bs)) {
            for (int k = 0; k < n; k++) y[k] = op.apply(a[k], b[k]);
            return y;
        }
        if (b.length == 1 && a.length == n) {
            float v = b[0];
            for (int k = 0; k < n; k++) y[k] = op.apply(a[k], v);
            return y;
        }
        if (a.length == 1 && b.length == n) {
            float v = a[0];
            for (int k = 0; k < n; k++) y[k] = op.apply(v, b[k]);
            return y;
        }
        int r = out.length;
        int[] sa = strides(as, out), sb = strides(bs, out);
        int inner = out[r - 1], ia = sa[r - 1], ib = sb[r - 1];
        int[] idx = new int[r];
        int offA = 0, offB = 0;
        for (int base = 0; base < n; base += inner) {
            for (int j = 0, pa = offA, pb = offB; j < inner; j++, pa += ia, pb += ib) y[base + j] = op.apply(a[pa], b[pb]);
            for (int k = r - 2; k >= 0; k--) {
                idx[k]++;
                offA += sa[k];
                offB += sb[k];
                if (idx[k] < out[k]) break;
                offA -= sa[k] * out[k];
                offB -= sb[k] * out[k];
                idx[k] = 0;
            }
        }
        return y;
    }
}
