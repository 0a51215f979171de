package dev.formwork.ir.kernels;

import dev.formwork.ir.interp.Parallel;

/**
 * Single-precision matrix multiply, C[M,N] = A[M,K] x B[K,N] (+ C), row-major with leading
 * dimensions. B may be given transposed (stored [N,K], as a PyTorch Linear weight is).
 *
 * <p>B is packed into panels {@link #NR} columns wide and multiplied by register-blocked
 * tiles of {@link #MR} rows. The work is split over panels (or over row tiles when
 * there are few panels) across the kernel pool. When the JDK's incubating Vector API is not
 * available the same blocking runs with scalar loops.
 */
public final class Gemm {
    private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    /** Rows of C per micro-tile. */
    static final int MR = 6;
    /** Columns per packed panel: two vectors of the preferred width, or 16 without the Vector API. */
    static final int NR = VECTOR ? VectorGemm.NR : 16;

    private Gemm() {}

    /** Whether the vectorised micro-kernel is in use (the JVM was started with the module). */
    public static boolean vectorised() {
        return VECTOR;
    }

    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, boolean transB,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        final int nr = NR;
        int panels = (n + nr - 1) / nr;
        int threads = Parallel.threads();
        if (panels >= 2 * threads || m < 4 * MR) {
            Parallel.forRange(panels, 1, (p0, p1) -> {
                float[] pack = new float[k * nr];
                for (int p = p0; p < p1; p++) {
                    int j0 = p * nr;
                    int w = Math.min(nr, n - j0);
                    packPanel(b, bOff, ldb, transB, k, j0, w, pack);
                    rows(0, m, k, a, aOff, lda, pack, w, c, cOff + j0, ldc, accumulate);
                }
            });
        } else {
            // Few wide panels (tall, narrow outputs): pack once, split rows.
            float[][] packs = new float[panels][];
            Parallel.forRange(panels, 1, (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    packs[p] = new float[k * nr];
                    packPanel(b, bOff, ldb, transB, k, p * nr, Math.min(nr, n - p * nr), packs[p]);
                }
            });
            int tiles = (m + MR - 1) / MR;
            Parallel.forRange(tiles, 1, (t0, t1) -> {
                int r0 = t0 * MR;
                int r1 = Math.min(m, t1 * MR);
                for (int p = 0; p < panels; p++) {
                    int j0 = p * nr;
                    rows(r0, r1, k, a, aOff + 0, lda, packs[p], Math.min(nr, n - j0), c, cOff + j0, ldc, accumulate);
                }
            });
        }
    }

    /** Copies columns [j0, j0+w) of B into pack[k][NR], zero-padding to NR. */
    static void packPanel(float[] b, int bOff, int ldb, boolean transB, int k, int j0, int w, float[] pack) {
        final int nr = NR;
        if (!transB) {
            for (int kk = 0; kk < k; kk++) {
                System.arraycopy(b, bOff + kk * ldb + j0, pack, kk * nr, w);
                if (w < nr) java.util.Arrays.fill(pack, kk * nr + w, kk * nr + nr, 0f);
            }
        } else {
            if (w < nr) java.util.Arrays.fill(pack, 0f);
            for (int jj = 0; jj < w; jj++) {
                int src = bOff + (j0 + jj) * ldb;
                for (int kk = 0; kk < k; kk++) pack[kk * nr + jj] = b[src + kk];
            }
        }
    }

    private static void rows(int r0, int r1, int k, float[] a, int aOff, int lda, float[] pack, int w,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        final int mr = MR;
        if (!VECTOR) {
            ScalarGemm.rows(r0, r1, k, a, aOff, lda, pack, NR, w, c, cOff, ldc, accumulate);
            return;
        }
        int i = r0;
        if (w == NR) {
            for (; i + mr <= r1; i += mr) {
                VectorGemm.tile(k, a, aOff + i * lda, lda, pack, c, cOff + i * ldc, ldc, accumulate);
            }
        }
        if (i == r1) return;
        // Edge tiles (fewer than MR rows or a panel narrower than NR): run the same vector kernel
        // on zero-padded scratch copies, then keep the valid part. The zero rows and columns
        // contribute nothing, so the valid part equals the direct computation.
        float[] aScratch = new float[mr * k];
        float[] cScratch = new float[mr * NR];
        for (; i < r1; i += mr) {
            int rows = Math.min(mr, r1 - i);
            java.util.Arrays.fill(aScratch, 0f);
            for (int r = 0; r < rows; r++) System.arraycopy(a, aOff + (i + r) * lda, aScratch, r * k, k);
            VectorGemm.tile(k, aScratch, 0, k, pack, cScratch, 0, NR, false);
            for (int r = 0; r < rows; r++) {
                int dst = cOff + (i + r) * ldc, src = r * NR;
                if (accumulate) {
                    for (int j = 0; j < w; j++) c[dst + j] += cScratch[src + j];
                } else {
                    System.arraycopy(cScratch, src, c, dst, w);
                }
            }
        }
    }
}
