package dev.formwork.runtimes.coreml.kernels;

import dev.formwork.ir.kernels.Gemm;

/**
 * Batched matrix product with NumPy {@code matmul} semantics (MIL {@code linear.py} matmul
 * rules; NN BatchedMatMulLayerParams with two inputs): the last two axes are matrices, the
 * leading axes broadcast. Rank-1 promotion is done by the callers.
 */
public final class MatMul {
    private MatMul() {}

    /** Result shape of a [.., M, K] x [.., K, N] product (after transposes), or null when invalid. */
    public static int[] shape(int[] a, int[] b, boolean ta, boolean tb) {
        if (a.length < 2 || b.length < 2) return null;
        int m = a[a.length - (ta ? 1 : 2)], k = a[a.length - (ta ? 2 : 1)];
        int kb = b[b.length - (tb ? 1 : 2)], n = b[b.length - (tb ? 2 : 1)];
        if (k != kb) return null;
        int[] batch = Broadcast.shape(java.util.Arrays.copyOf(a, a.length - 2), java.util.Arrays.copyOf(b, b.length - 2));
        if (batch == null) return null;
        int[] out = java.util.Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = m;
        out[batch.length + 1] = n;
        return out;
    }

    public static float[] apply(float[] a, int[] as, float[] b, int[] bs, boolean ta, boolean tb) {
        int[] out = shape(as, bs, ta, tb);
        if (out == null) throw new IllegalArgumentException("matmul shapes do not agree");
        int r = out.length;
        int m = out[r - 2], n = out[r - 1];
        int k = as[as.length - (ta ? 2 : 1)];
        int[] batch = java.util.Arrays.copyOf(out, r - 2);
        int nb = Reduce.prod(batch, 0, batch.length);
        int[] bA = java.util.Arrays.copyOf(as, as.length - 2), bB = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] sA = Broadcast.strides(bA, batch), sB = Broadcast.strides(bB, batch);
        float[] y = new float[nb * m * n];
        float[] at = null;
        int[] idx = new int[batch.length];
        for (int p = 0; p < nb; p++) {
            int ia = 0, ib = 0;
            for (int d = 0; d < batch.length; d++) {
                ia += idx[d] * sA[d];
                ib += idx[d] * sB[d];
            }
            int aOff = ia * m * k, bOff = ib * k * n;
            float[] aa = a;
            int aStart = aOff;
            if (ta) {
                // A stored [K, M]: transpose the slice into a scratch [M, K].
                if (at == null) at = new float[m * k];
                for (int i = 0; i < m; i++) for (int kk = 0; kk < k; kk++) at[i * k + kk] = a[aOff + kk * m + i];
                aa = at;
                aStart = 0;
            }
            Gemm.sgemm(m, n, k, aa, aStart, k, b, bOff, tb ? k : n, tb, y, p * m * n, n, false);
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++idx[d] < batch[d]) break;
                idx[d] = 0;
            }
        }
        return y;
    }
}
