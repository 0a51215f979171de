package dev.formwork.ir.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernel: a 6 x 32 tile of C held in twelve 512-bit accumulators
 * (or 6 x 16 with 256-bit vectors). Only loaded when the Vector API module is present.
 * The tile is its own small method so the JIT compiles it as a whole and keeps the
 * accumulators in registers.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int NR = 2 * L;

    private VectorGemm() {}

    static void tile(int k, float[] a, int aOff, int lda, float[] pack, float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda, a4 = aOff + 4 * lda, a5 = aOff + 5 * lda;
        for (int kk = 0, p = 0; kk < k; kk++, p += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, pack, p);
            FloatVector b1 = FloatVector.fromArray(S, pack, p + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + kk]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + kk]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        store(c00, c01, c, cOff, acc);
        store(c10, c11, c, cOff + ldc, acc);
        store(c20, c21, c, cOff + 2 * ldc, acc);
        store(c30, c31, c, cOff + 3 * ldc, acc);
        store(c40, c41, c, cOff + 4 * ldc, acc);
        store(c50, c51, c, cOff + 5 * ldc, acc);
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int off, boolean acc) {
        if (acc) {
            v0 = v0.add(FloatVector.fromArray(S, c, off));
            v1 = v1.add(FloatVector.fromArray(S, c, off + L));
        }
        v0.intoArray(c, off);
        v1.intoArray(c, off + L);
    }
}
