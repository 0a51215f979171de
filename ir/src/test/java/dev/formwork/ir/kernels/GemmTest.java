package dev.formwork.ir.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.formwork.ir.interp.Parallel;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gemm against naive double loops, on sub-matrices embedded in larger arrays (offsets and
 * leading dimensions), with sentinels around C to catch stray writes.
 */
class GemmTest {
    private static final float SENTINEL = -12345.5f;
    private int savedThreads;

    @BeforeEach
    void saveThreads() {
        savedThreads = Parallel.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void vectorApiIsInUse() {
        assertTrue(Gemm.vectorised(), "surefire must run with --add-modules jdk.incubator.vector");
        assertEquals(2 * jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(), Gemm.NR);
        assertEquals(6, Gemm.MR);
    }

    /**
     * One product: A is [m,k] at aOff with lda, B is [k,n] (or [n,k] if transB) at bOff with
     * ldb, C [m,n] at cOff with ldc; everything else in C must keep its sentinel.
     */
    private static void check(Random r, int m, int n, int k, boolean transB, boolean acc, int padA, int padB, int padC) {
        int lda = k + padA, ldb = (transB ? k : n) + padB, ldc = n + padC;
        int aOff = padA * 3, bOff = padB * 2 + 1, cOff = padC * 5 + 2;
        float[] a = randomArray(r, aOff + m * lda + 3);
        float[] b = randomArray(r, bOff + (transB ? n : k) * ldb + 3);
        float[] c = new float[cOff + m * ldc + 7];
        java.util.Arrays.fill(c, SENTINEL);
        float[] c0 = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                c0[i * n + j] = (float) r.nextGaussian();
                c[cOff + i * ldc + j] = c0[i * n + j];
            }
        Gemm.sgemm(m, n, k, a, aOff, lda, b, bOff, ldb, transB, c, cOff, ldc, acc);
        String what = "m=" + m + " n=" + n + " k=" + k + " transB=" + transB + " acc=" + acc + " pads=" + padA + "," + padB + "," + padC;
        boolean[] inside = new boolean[c.length];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = acc ? c0[i * n + j] : 0, mag = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    double prod = (double) a[aOff + i * lda + p] * (transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
                    s += prod;
                    mag += Math.abs(prod);
                }
                int at = cOff + i * ldc + j;
                inside[at] = true;
                // relative 1e-5 of the magnitude being summed (a plain relative bound is meaningless under cancellation)
                if (!(Math.abs(c[at] - s) <= 1e-5 * mag + 1e-30)) fail(what + " at [" + i + "," + j + "]: " + c[at] + " vs " + s);
            }
        for (int i = 0; i < c.length; i++) {
            if (!inside[i] && c[i] != SENTINEL) fail(what + ": wrote outside C at " + i);
        }
    }

    private static float[] randomArray(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    private static final int[] MS = {1, 2, 5, 6, 7, 11, 12, 13, 24, 25, 49, 97};
    private static final int[] NS = {1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 130};
    private static final int[] KS = {1, 2, 3, 17, 64, 300};

    @Test
    void allEdgeSizesDense() {
        Random r = new Random(1);
        for (int m : MS)
            for (int n : NS)
                for (int k : KS) check(r, m, n, k, (m + n + k) % 2 == 0, (m * n + k) % 3 == 0, 0, 0, 0);
    }

    @Test
    void transBAndAccumulateEveryCombination() {
        Random r = new Random(2);
        for (boolean t : new boolean[] {false, true})
            for (boolean acc : new boolean[] {false, true})
                for (int i = 0; i < 60; i++) {
                    check(r, MS[r.nextInt(MS.length)], NS[r.nextInt(NS.length)], KS[r.nextInt(KS.length)], t, acc, 0, 0, 0);
                }
    }

    @Test
    void subMatricesWithOffsetsAndLeadingDimensions() {
        Random r = new Random(3);
        for (boolean t : new boolean[] {false, true})
            for (boolean acc : new boolean[] {false, true})
                for (int i = 0; i < 40; i++) {
                    check(r, 1 + r.nextInt(60), 1 + r.nextInt(140), 1 + r.nextInt(80), t, acc, 1 + r.nextInt(9), 1 + r.nextInt(9),
                            1 + r.nextInt(40));
                }
    }

    @Test
    void bothWorkSplitsAtTwoThreads() {
        // panels >= 2 * threads or m < 24: split over panels; otherwise (tall, narrow) split over row tiles
        Parallel.setThreads(2);
        Random r = new Random(4);
        for (int n : new int[] {1, 31, 32, 64, 65, 96, 97, 200})
            for (int m : new int[] {23, 24, 25, 61, 150})
                for (boolean t : new boolean[] {false, true}) check(r, m, n, 37, t, m % 2 == 0, 2, 3, 4);
    }

    @Test
    void emptyDimensions() {
        float[] a = {1, 2}, b = {3, 4};
        float[] c = {5, 6, 7, 8};
        Gemm.sgemm(0, 2, 1, a, 0, 1, b, 0, 2, false, c, 0, 2, false);
        Gemm.sgemm(2, 0, 1, a, 0, 1, b, 0, 2, false, c, 0, 2, false);
        assertArrayEquals(new float[] {5, 6, 7, 8}, c);
        Gemm.sgemm(2, 2, 0, a, 0, 0, b, 0, 2, false, c, 0, 2, true); // k = 0, accumulate: C unchanged
        assertArrayEquals(new float[] {5, 6, 7, 8}, c);
        float[] big = {9, 9, 9, 9, 9, 9};
        Gemm.sgemm(2, 2, 0, a, 0, 0, b, 0, 2, false, big, 1, 3, false); // k = 0: C = 0, only inside C
        assertArrayEquals(new float[] {9, 0, 0, 9, 0, 0}, big);
    }

    @Test
    void handCase() {
        float[] a = {1, 2, 3, 4, 5, 6}; // [2,3]
        float[] b = {7, 8, 9, 10, 11, 12}; // [3,2]
        float[] bt = {7, 9, 11, 8, 10, 12}; // the same B stored [2,3]
        float[] c = new float[4];
        Gemm.sgemm(2, 2, 3, a, 0, 3, b, 0, 2, false, c, 0, 2, false);
        assertArrayEquals(new float[] {58, 64, 139, 154}, c);
        Gemm.sgemm(2, 2, 3, a, 0, 3, bt, 0, 3, true, c, 0, 2, true);
        assertArrayEquals(new float[] {116, 128, 278, 308}, c);
    }

    @Test
    void scalarFallbackRowsMatchNaive() {
        // the path used for edge tiles and for the whole product without the Vector API
        Random r = new Random(5);
        for (int trial = 0; trial < 40; trial++) {
            int m = 1 + r.nextInt(13), k = 1 + r.nextInt(70), w = 1 + r.nextInt(Gemm.NR);
            boolean transB = r.nextBoolean(), acc = r.nextBoolean();
            int ldb = transB ? k + 2 : w + 3;
            float[] a = randomArray(r, m * k), b = randomArray(r, (transB ? w : k) * ldb);
            float[] pack = new float[k * Gemm.NR];
            java.util.Arrays.fill(pack, Float.NaN); // packing must overwrite (and zero-pad) every slot
            Gemm.packPanel(b, 0, ldb, transB, k, 0, w, pack);
            float[] c = randomArray(r, m * w), c0 = c.clone();
            ScalarGemm.rows(0, m, k, a, 0, k, pack, Gemm.NR, w, c, 0, w, acc);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < w; j++) {
                    double s = acc ? c0[i * w + j] : 0, mag = Math.abs(s);
                    for (int p = 0; p < k; p++) {
                        double prod = (double) a[i * k + p] * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                        s += prod;
                        mag += Math.abs(prod);
                    }
                    assertTrue(Math.abs(c[i * w + j] - s) <= 1e-5 * mag, "scalar rows trial " + trial);
                }
            for (int p = 0; p < k; p++)
                for (int j = w; j < Gemm.NR; j++) assertEquals(0f, pack[p * Gemm.NR + j], "pack padding");
        }
    }
}
