package dev.formwork.runtimes.coreml.kernels;

/** Axis permutation of a row-major array: output axis k is input axis {@code perm[k]}. */
public final class Permute {
    private Permute() {}

    public static int[] shape(int[] shape, int[] perm) {
        int[] out = new int[perm.length];
        for (int k = 0; k < perm.length; k++) out[k] = shape[perm[k]];
        return out;
    }

    public static float[] apply(float[] x, int[] shape, int[] perm) {
        int r = shape.length;
        float[] y = new float[x.length];
        if (x.length == 0) return y;
        if (r == 0) return x.clone();
        int[] inStride = new int[r];
        int s = 1;
        for (int k = r - 1; k >= 0; k--) {
            inStride[k] = s;
            s *= shape[k];
        }
        int[] out = shape(shape, perm);
        int[] st = new int[r];
        for (int k = 0; k < r; k++) st[k] = inStride[perm[k]];
        int inner = out[r - 1], si = st[r - 1];
        int[] idx = new int[r];
        int off = 0;
        for (int base = 0; base < y.length; base += inner) {
            for (int j = 0, p = off; j < inner; j++, p += si) y[base + j] = x[p];
            for (int k = r - 2; k >= 0; k--) {
                idx[k]++;
                off += st[k];
                if (idx[k] < out[k]) break;
                off -= st[k] * out[k];
                idx[k] = 0;
            }
        }
        return y;
    }

    /** Whether {@code perm} is a permutation of 0..rank-1. */
    public static boolean valid(int[] perm, int rank) {
        if (perm.length != rank) return false;
        boolean[] seen = new boolean[rank];
        for (int p : perm) {
            if (p < 0 || p >= rank || seen[p]) return false;
            seen[p] = true;
        }
        return true;
    }
}
