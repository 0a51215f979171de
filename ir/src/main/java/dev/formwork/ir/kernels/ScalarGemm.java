package dev.formwork.ir.kernels;

/** Edge tiles (and the whole product when the Vector API is absent): one row at a time. */
final class ScalarGemm {
    private ScalarGemm() {}

    static void rows(int r0, int r1, int k, float[] a, int aOff, int lda, float[] pack, int nr, int w,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        float[] acc = new float[nr];
        for (int i = r0; i < r1; i++) {
            java.util.Arrays.fill(acc, 0f);
            int ar = aOff + i * lda;
            for (int kk = 0; kk < k; kk++) {
                float av = a[ar + kk];
                int p = kk * nr;
                for (int j = 0; j < nr; j++) acc[j] += av * pack[p + j];
            }
            int cr = cOff + i * ldc;
            if (accumulate) {
                for (int j = 0; j < w; j++) c[cr + j] += acc[j];
            } else {
                System.arraycopy(acc, 0, c, cr, w);
            }
        }
    }
}
