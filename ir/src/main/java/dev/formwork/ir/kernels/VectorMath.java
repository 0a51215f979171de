package dev.formwork.ir.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised exact GELU, 0.5 x (1 + erf(x / sqrt 2)), for the reference interpreter's hottest
 * elementwise op. erf uses the same two branches as {@link MathFns#erf} (a Taylor series below
 * 0.5, erfc's Chebyshev fit with fractional error under 1.2e-7 above), evaluated in float lanes;
 * the result stays within a few float ulps of the double-precision scalar form. Only loaded when
 * the Vector API module is present.
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

    static FloatVector erf(FloatVector x) {
        FloatVector z = x.abs();
        // Near zero: 2/sqrt(pi) * z * (1 - z^2/3 + z^4/10 - z^6/42 + z^8/216 - z^10/1320 + z^12/9360 - z^14/75600)
        FloatVector z2 = z.mul(z);
        FloatVector p = z2.mul(-1f / 75600).add(1f / 9360);
        p = p.mul(z2).add(-1f / 1320);
        p = p.mul(z2).add(1f / 216);
        p = p.mul(z2).add(-1f / 42);
        p = p.mul(z2).add(1f / 10);
        p = p.mul(z2).add(-1f / 3);
        p = p.mul(z2).add(1f);
        FloatVector small = p.mul(z).mul(1.1283791671f);
        // Elsewhere: 1 - t exp(-z^2 - 1.26551223 + t P(t)), t = 1 / (1 + z/2)
        FloatVector t = FloatVector.broadcast(S, 1f).div(z.mul(0.5f).add(1f));
        FloatVector q = t.mul(0.17087277f).add(-0.82215223f);
        q = q.mul(t).add(1.48851587f);
        q = q.mul(t).add(-1.13520398f);
        q = q.mul(t).add(0.27886807f);
        q = q.mul(t).add(-0.18628806f);
        q = q.mul(t).add(0.09678418f);
        q = q.mul(t).add(0.37409196f);
        q = q.mul(t).add(1.00002368f);
        FloatVector arg = q.mul(t).sub(z2).sub(1.26551223f);
        FloatVector large = t.mul(exp(arg)).neg().add(1f);
        VectorMask<Float> useSmall = z.lt(0.5f);
        FloatVector r = large.blend(small, useSmall);
        return r.blend(r.neg(), x.lt(0f));
    }

    /**
     * e^x per lane from adds, multiplies and exact conversions only (Cephes' expf: x = n ln2 + r
     * with |r| <= ln2/2, a degree-6 polynomial for e^r, 2^n built in the exponent bits), about
     * 1 ulp. The Vector API's EXP lane operation is an intrinsic in compiled code but Math.exp in
     * its Java fallback, and the two differ in the last bit, so the reference output depended on
     * what the JIT had compiled so far; plain arithmetic rounds the same way in both, and costs
     * no scalar loop. Inputs are clamped to [-87.3, 88.3], where 2^n stays a normal float.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(-87.3f).min(88.3f);
        // Round x log2(e) to the nearest integer: adding and subtracting 1.5 * 2^23 drops the fraction.
        FloatVector n = c.mul(1.44269504f).add(12582912f).sub(12582912f);
        FloatVector r = c.sub(n.mul(0.693359375f)).sub(n.mul(-2.12194440e-4f));
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.mul(r).add(8.3334519073e-3f);
        p = p.mul(r).add(4.1665795894e-2f);
        p = p.mul(r).add(1.6666665459e-1f);
        p = p.mul(r).add(5.0000001201e-1f);
        p = p.mul(r.mul(r)).add(r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }
}
