package dev.formwork.ir.kernels;

/** Scalar special functions used by the kernels, accurate to float precision. */
public final class MathFns {
    private MathFns() {}

    private static final double SQRT1_2 = 0.7071067811865476;
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;

    /**
     * erf(x) in double via erfc's Chebyshev fit (Numerical Recipes' erfcc, fractional error
     * below 1.2e-7 everywhere), plus a Taylor series near zero where 1 - erfc loses digits.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        double r;
        if (z < 0.5) {
            double z2 = z * z;
            // erf(z) = 2/sqrt(pi) * (z - z^3/3 + z^5/10 - z^7/42 + z^9/216 - z^11/1320 + z^13/9360)
            r = 1.1283791670955126 * z * (1 + z2 * (-1.0 / 3 + z2 * (1.0 / 10 + z2 * (-1.0 / 42
                    + z2 * (1.0 / 216 + z2 * (-1.0 / 1320 + z2 * (1.0 / 9360 - z2 / 75600)))))));
        } else {
            double t = 1.0 / (1.0 + 0.5 * z);
            double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                    + t * (-0.82215223 + t * 0.17087277)))))))));
            r = 1.0 - erfc;
        }
        return x < 0 ? -r : r;
    }

    public static float geluExact(float x) {
        return (float) (0.5 * x * (1.0 + erf(x * SQRT1_2)));
    }

    public static float geluTanh(float x) {
        double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        return (float) (0.5 * x * (1.0 + Math.tanh(u)));
    }

    public static float geluSigmoid(float x) {
        return (float) (x / (1.0 + Math.exp(-1.702 * x)));
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
