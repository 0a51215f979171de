package dev.formwork.ir.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The vectorised erf and GELU against the double-precision forms, and their bits across JIT tiers. */
class VectorMathTest {

    @Test
    void erfIsWithinFiveTenMillionthsOfTheDoublePrecisionForm() {
        assumeTrue(Gemm.vectorised(), "Vector API module absent");
        int lanes = VectorMath.lanes();
        float[] x = new float[lanes], y = new float[lanes];
        double worst = 0;
        for (float v = -7f; v <= 7f; v += 0.0007f) {
            for (int i = 0; i < lanes; i++) x[i] = v + i * 1e-5f;
            VectorMath.erf(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(y, 0);
            for (int i = 0; i < lanes; i++) worst = Math.max(worst, Math.abs(y[i] - MathFns.erf(x[i])));
        }
        // MathFns.erf itself is within 1.2e-7 (relative) of erf.
        assertTrue(worst <= 6e-7, "worst abs error " + worst);
    }

    @Test
    void geluIsTheErfDefinitionOnADenseRange() {
        float[] x = new float[20_001];
        for (int i = 0; i < x.length; i++) x[i] = -10f + i * 1e-3f;
        float[] y = Activations.geluExact(x);
        for (int i = 0; i < x.length; i++) {
            double want = 0.5 * x[i] * (1 + MathFns.erf(x[i] / Math.sqrt(2)));
            assertTrue(Math.abs(y[i] - want) <= 1e-6 * Math.max(1, Math.abs(want)), "x=" + x[i] + ": " + y[i] + " vs " + want);
        }
    }

    @Test
    void geluGivesTheSameBitsBeforeAndAfterTheJitCompilesIt() {
        // The first call runs interpreted code; after many calls C2 has compiled the kernel. Lane
        // intrinsics whose compiled and fallback forms round differently made these two differ.
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.37) * 6;
        float[] first = Activations.geluExact(x);
        float[] later = null;
        for (int round = 0; round < 4000; round++) later = Activations.geluExact(x);
        assertArrayEquals(first, later);
    }
}
