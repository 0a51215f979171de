package dev.formwork.ir.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised exact GELU, 0.5 x (1 + erf(x / sqrt 2)), for the reference interpreter's hottest
 * elementwise op, with erf as a rational function in float lanes (see {@link #erf}); within 1e-6
 * of the double-precision definition. Only loaded when the Vector API module is present.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float SQRT1_2 = 0.70710678f;

    private VectorMath() {}

    static int lanes() {
        return S.length();
    }

    static void geluExact(float[] x, float[] y, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        for (; i < upper; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector e = erf(v.mul(SQRT1_2));
            v.mul(0.5f).mul(e.add(1f)).intoArray(y, i);
        }
        for (; i < to; i++) y[i] = MathFns.geluExact(x[i]);
    }

    /**
     * erf(x) = x P(x^2) / Q(x^2) on [-4, 4] (the rational fit Eigen and XLA use for float erf;
     * beyond 4, erf is 1 to within 2e-8), absolute error under 5e-7. Only adds, multiplies and one
     * divide: no exp, so no lane intrinsic whose compiled and interpreted forms round differently
     * (the reference output must not depend on what the JIT has compiled so far), and no branch
     * evaluated twice and blended.
     */
    static FloatVector erf(FloatVector x) {
        FloatVector c = x.max(-4f).min(4f);
        FloatVector z2 = c.mul(c);
        FloatVector p = z2.mul(-2.72614225801306e-10f).add(2.77068142495902e-08f);
        p = p.mul(z2).add(-2.10102402082508e-06f);
        p = p.mul(z2).add(-5.69250639462346e-05f);
        p = p.mul(z2).add(-7.34990630326855e-04f);
        p = p.mul(z2).add(-2.95459980854025e-03f);
        p = p.mul(z2).add(-1.60960333262415e-02f);
        FloatVector q = z2.mul(-1.45660718464996e-05f).add(-2.13374055278905e-04f);
        q = q.mul(z2).add(-1.68282697438203e-03f);
        q = q.mul(z2).add(-7.37332916720468e-03f);
        q = q.mul(z2).add(-1.42647390514189e-02f);
        return c.mul(p).div(q);
    }
}
