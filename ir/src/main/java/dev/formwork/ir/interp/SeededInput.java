package dev.formwork.ir.interp;

import java.util.SplittableRandom;

/** Deterministic inputs for verification and certificates: the same seed gives the same array everywhere. */
public final class SeededInput {
    private SeededInput() {}

    /** Standard normal values (Box-Muller on SplittableRandom, so the stream is fixed by the seed). */
    public static NdArray gaussian(int[] shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(NdArray.numel(shape))];
        for (int i = 0; i < v.length; i += 2) {
            double u1 = 1.0 - r.nextDouble(), u2 = r.nextDouble();
            double m = Math.sqrt(-2 * Math.log(u1));
            v[i] = (float) (m * Math.cos(2 * Math.PI * u2));
            if (i + 1 < v.length) v[i + 1] = (float) (m * Math.sin(2 * Math.PI * u2));
        }
        return NdArray.of(shape, v);
    }

    /** Uniform integer pixel values in [0, 255] (as floats), for image inputs. */
    public static NdArray pixels(int[] shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(NdArray.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(256);
        return NdArray.of(shape, v);
    }
}
