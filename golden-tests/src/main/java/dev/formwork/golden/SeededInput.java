package dev.formwork.golden;

import dev.formwork.ir.interp.NdArray;
import java.util.SplittableRandom;

/**
 * The deterministic input of a regression golden: standard-normal float32 values from
 * {@link SplittableRandom}(seed) through Box-Muller (one value per pair of uniforms). Shared by
 * the recorder and the tests so both feed the same numbers, on any JVM.
 */
public final class SeededInput {
    private SeededInput() {}

    public static NdArray gaussian(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[Math.toIntExact(NdArray.numel(shape))];
        for (int i = 0; i < f.length; i++) {
            double u = r.nextDouble(), v = r.nextDouble();
            f[i] = (float) (Math.sqrt(-2.0 * Math.log(1.0 - u)) * Math.cos(2.0 * Math.PI * v));
        }
        return NdArray.of(shape, f);
    }
}
