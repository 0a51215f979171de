package dev.formwork.ir.kernels;

import dev.formwork.ir.interp.Parallel;

/** Whole-array activation kernels: vectorised where the Vector API is present, scalar otherwise. */
public final class Activations {
    private static final boolean VECTOR = Gemm.vectorised();

    private Activations() {}

    /** y = GELU(x), exact erf form. */
    public static float[] geluExact(float[] x) {
        float[] y = new float[x.length];
        if (!VECTOR) {
            Parallel.forRange(x.length, 1 << 13, (lo, hi) -> {
                for (int i = lo; i < hi; i++) y[i] = MathFns.geluExact(x[i]);
            });
            return y;
        }
        // Chunks are whole vectors from index 0, so which elements take the vector path (and so
        // the exact bits of every result) does not depend on the thread count.
        int lanes = VectorMath.lanes();
        int blocks = (x.length + lanes - 1) / lanes;
        Parallel.forRange(blocks, (1 << 13) / lanes, (lo, hi) -> VectorMath.geluExact(x, y, lo * lanes, Math.min(x.length, hi * lanes)));
        return y;
    }
}
