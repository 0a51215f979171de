package dev.formwork.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfTest {
    /** binary16 value by definition: (-1)^s * 2^(e-15) * (1 + m/1024), subnormal 2^-14 * m/1024. */
    private static double definition(int bits) {
        int s = bits >>> 15 & 1, e = bits >>> 10 & 0x1f, m = bits & 0x3ff;
        double v = e == 0 ? m * Math.pow(2, -24) : (1 + m / 1024.0) * Math.pow(2, e - 15);
        return s == 1 ? -v : v;
    }

    private static String hex(int h) {
        return String.format("0x%04x", h & 0xffff);
    }

    @Test
    void allBitPatternsRoundTrip() {
        for (int h = 0; h < 65536; h++) {
            float f = Half.toFloat((short) h);
            int e = h >>> 10 & 0x1f, m = h & 0x3ff;
            if (e == 0x1f && m != 0) {
                assertTrue(Float.isNaN(f), hex(h) + " is NaN");
                short back = Half.fromFloat(f);
                assertTrue((back & 0x7c00) == 0x7c00 && (back & 0x3ff) != 0, hex(h) + " stays NaN, got " + hex(back));
                assertEquals(h & 0x8000, back & 0x8000, "NaN sign kept");
                continue;
            }
            if (e == 0x1f) {
                assertEquals((h & 0x8000) != 0 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY, f, hex(h));
            } else {
                assertEquals(definition(h), f, 0.0, hex(h)); // exact: every half is a float
            }
            assertEquals(Float.floatToRawIntBits(Half.round(f)), Float.floatToRawIntBits(f), hex(h));
            short back = Half.fromFloat(f);
            if (back != (short) h) fail(hex(h) + " -> " + f + " -> " + hex(back));
        }
        assertEquals(0x8000, Half.fromFloat(-0f) & 0xffff);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Half.toFloat((short) 0x8000)));
    }

    @Test
    void tiesRoundToEven() {
        float ulp1 = 0x1p-10f; // half's ulp at 1
        assertEquals(0x3c00, Half.fromFloat(1 + ulp1 / 2)); // tie between mantissa 0 and 1 -> 0
        assertEquals(0x3c02, Half.fromFloat(1 + 3 * ulp1 / 2)); // tie between 1 and 2 -> 2
        assertEquals(0x3c01, Half.fromFloat(Math.nextUp(1 + ulp1 / 2)));
        assertEquals(0x3c01, Half.fromFloat(Math.nextDown(1 + 3 * ulp1 / 2)));
        assertEquals(0xbc00, Half.fromFloat(-(1 + ulp1 / 2)) & 0xffff);
        assertEquals(0x4000, Half.fromFloat(Math.nextDown(2f))); // rounding up carries into the exponent
        assertEquals(0x3555, Half.fromFloat(1f / 3)); // 0.33325195
        assertEquals(0x2e66, Half.fromFloat(0.1f)); // 0.099975586
    }

    @Test
    void subnormals() {
        assertEquals(0x0001, Half.fromFloat(0x1p-24f));
        assertEquals(0x0000, Half.fromFloat(0x1p-25f)); // tie with 0 -> even (0)
        assertEquals(0x0001, Half.fromFloat(Math.nextUp(0x1p-25f)));
        assertEquals(0x0002, Half.fromFloat(3 * 0x1p-25f)); // tie between 1 and 2 -> 2
        assertEquals(0x03ff, Half.fromFloat(1023 * 0x1p-24f)); // largest subnormal
        assertEquals(0x0400, Half.fromFloat(1023.5f * 0x1p-24f)); // tie -> the smallest normal
        assertEquals(0x0400, Half.fromFloat(0x1p-14f));
        assertEquals(0x0000, Half.fromFloat(0x1p-26f));
        assertEquals(0x0000, Half.fromFloat(Float.MIN_VALUE)); // float subnormal
        assertEquals(0x8000, Half.fromFloat(-0x1p-26f) & 0xffff);
        assertEquals(0x8001, Half.fromFloat(-0x1p-24f) & 0xffff);
        assertEquals(0x1p-24f, Half.toFloat((short) 1));
        assertEquals(1023 * 0x1p-24f, Half.toFloat((short) 0x03ff));
    }

    @Test
    void overflowGoesToInfinity() {
        assertEquals(0x7bff, Half.fromFloat(65504f));
        assertEquals(0x7bff, Half.fromFloat(Math.nextDown(65520f)));
        assertEquals(0x7c00, Half.fromFloat(65520f)); // tie between 65504 (odd) and 65536 -> even, i.e. Inf
        assertEquals(0x7c00, Half.fromFloat(1e6f));
        assertEquals(0xfc00, Half.fromFloat(-1e6f) & 0xffff);
        assertEquals(0x7c00, Half.fromFloat(Float.MAX_VALUE));
        assertEquals(0x7c00, Half.fromFloat(Float.POSITIVE_INFINITY));
        assertEquals(0xfc00, Half.fromFloat(Float.NEGATIVE_INFINITY) & 0xffff);
        short nan = Half.fromFloat(Float.intBitsToFloat(0x7f800001)); // payload only in bits the half drops
        assertTrue((nan & 0x7c00) == 0x7c00 && (nan & 0x3ff) != 0, hex(nan));
        assertTrue(Float.isNaN(Half.round(Float.NaN)));
    }

    @Test
    void fromFloatIsNearestEvenForRandomAndBoundaryFloats() {
        // reference: every finite half value by definition, sorted; pick the nearest, ties to even
        double[] vals = new double[0x7c00];
        for (int h = 0; h < 0x7c00; h++) vals[h] = definition(h); // positive halves are increasing in their bits
        Random r = new Random(9);
        float[] probes = new float[300_000];
        int n = 0;
        for (int h = 0; h + 1 < 0x7c00; h++) { // exact midpoints and their neighbours
            float mid = (float) ((vals[h] + vals[h + 1]) / 2);
            probes[n++] = mid;
            probes[n++] = Math.nextUp(mid);
            probes[n++] = Math.nextDown(mid);
        }
        while (n < probes.length) probes[n++] = Float.intBitsToFloat(r.nextInt(0x47800000)); // [0, 65536)
        for (float f : probes) {
            int i = Arrays.binarySearch(vals, f);
            int expect;
            if (i >= 0) {
                expect = i;
            } else {
                int hi = -i - 1, lo = hi - 1;
                if (hi >= vals.length) {
                    double top = vals[vals.length - 1], half = (65536 - top) / 2;
                    expect = f - top < half ? vals.length - 1 : 0x7c00;
                } else {
                    double dl = f - vals[lo], dh = vals[hi] - f;
                    expect = dl < dh ? lo : dh < dl ? hi : (lo % 2 == 0 ? lo : hi);
                }
            }
            int got = Half.fromFloat(f) & 0xffff;
            if (got != expect) fail(f + ": expected " + hex(expect) + ", got " + hex(got));
            int neg = Half.fromFloat(-f) & 0xffff;
            if (neg != (expect | 0x8000)) fail(-f + ": expected " + hex(expect | 0x8000) + ", got " + hex(neg));
        }
    }
}
