package dev.formwork.runtimes.coreml.kernels;

/**
 * Normalisations and reductions over axes of row-major arrays: softmax, mean, sum, max, layer norm.
 * Layer norm follows MIL {@code normalization.py} (value_inference: biased variance, gamma and
 * beta reshaped to the normalized dims with 1 elsewhere) and NN LayerNormalizationLayerParams
 * ({@code gamma * (x - mean) / sqrt(var + eps) + beta}).
 */
public final class Reduce {
    private Reduce() {}

    /** Softmax along {@code axis}, subtracting the maximum first. */
    public static float[] softmax(float[] x, int[] shape, int axis) {
        int outer = prod(shape, 0, axis), n = shape[axis], inner = prod(shape, axis + 1, shape.length);
        float[] y = new float[x.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
                double s = 0;
                for (int k = 0; k < n; k++) {
                    float e = (float) Math.exp(x[base + k * inner] - m);
                    y[base + k * inner] = e;
                    s += e;
                }
                float inv = (float) (1.0 / s);
                for (int k = 0; k < n; k++) y[base + k * inner] *= inv;
            }
        }
        return y;
    }

    /** Mean over the flagged axes; the result has 1 at each reduced axis (keep_dims form). */
    public static float[] mean(float[] x, int[] shape, boolean[] reduce) {
        double[] acc = accumulate(x, shape, reduce, false);
        int count = 1;
        for (int k = 0; k < shape.length; k++) if (reduce[k]) count *= shape[k];
        float[] y = new float[acc.length];
        for (int k = 0; k < y.length; k++) y[k] = (float) (acc[k] / count);
        return y;
    }

    /** Sum over the flagged axes, accumulated in double and rounded once (keep_dims form). */
    public static float[] sum(float[] x, int[] shape, boolean[] reduce) {
        return rounded(accumulate(x, shape, reduce, false));
    }

    /** Maximum over the flagged axes; a NaN anywhere in a window makes that result NaN (keep_dims form). */
    public static float[] max(float[] x, int[] shape, boolean[] reduce) {
        return rounded(accumulate(x, shape, reduce, true));
    }

    private static float[] rounded(double[] acc) {
        float[] y = new float[acc.length];
        for (int k = 0; k < y.length; k++) y[k] = (float) acc[k];
        return y;
    }

    /** One of {@link #mean}, {@link #sum}, {@link #max}: the layers and ops that reduce pick theirs. */
    @FunctionalInterface
    public interface Kernel {
        float[] apply(float[] x, int[] shape, boolean[] reduce);
    }

    /** Per output position (1 at each reduced axis): the sum, or the NaN-propagating maximum. */
    private static double[] accumulate(float[] x, int[] shape, boolean[] reduce, boolean max) {
        int r = shape.length;
        int[] out = new int[r];
        for (int k = 0; k < r; k++) out[k] = reduce[k] ? 1 : shape[k];
        int n = 1;
        for (int d : out) n *= d;
        double[] acc = new double[n];
        if (max) java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        int[] ost = new int[r];
        int s = 1;
        for (int k = r - 1; k >= 0; k--) {
            ost[k] = reduce[k] ? 0 : s;
            s *= out[k];
        }
        int[] idx = new int[r];
        int off = 0;
        for (int p = 0; p < x.length; p++) {
            if (!max) acc[off] += x[p];
            else if (x[p] != x[p]) acc[off] = Double.NaN;
            else if (x[p] > acc[off]) acc[off] = x[p]; // false once acc is NaN, so NaN sticks
            for (int k = r - 1; k >= 0; k--) {
                idx[k]++;
                off += ost[k];
                if (idx[k] < shape[k]) break;
                off -= ost[k] * shape[k];
                idx[k] = 0;
            }
        }
        return acc;
    }

    /**
     * Layer norm over the trailing {@code normCount} elements of each row: x viewed as
     * [rows, normCount]; gamma/beta (may be null) have normCount values.
     */
    public static float[] layerNormTrailing(float[] x, int normCount, float[] gamma, float[] beta, float eps) {
        float[] y = new float[x.length];
        int rows = normCount == 0 ? 0 : x.length / normCount;
        for (int r = 0; r < rows; r++) {
            int b = r * normCount;
            double m = 0;
            for (int k = 0; k < normCount; k++) m += x[b + k];
            m /= normCount;
            double v = 0;
            for (int k = 0; k < normCount; k++) {
                double d = x[b + k] - m;
                v += d * d;
            }
            v /= normCount;
            float inv = (float) (1.0 / Math.sqrt(v + eps));
            float mf = (float) m;
            for (int k = 0; k < normCount; k++) {
                float t = (x[b + k] - mf) * inv;
                if (gamma != null) t *= gamma[k];
                if (beta != null) t += beta[k];
                y[b + k] = t;
            }
        }
        return y;
    }

    /** Per-channel affine {@code y = x * scale[c] + shift[c]} for x viewed as [outer, C, inner]. */
    public static float[] channelAffine(float[] x, int outer, int c, int inner, float[] scale, float[] shift) {
        float[] y = new float[x.length];
        for (int o = 0; o < outer; o++) {
            for (int ch = 0; ch < c; ch++) {
                int b = (o * c + ch) * inner;
                float s = scale[ch], t = shift[ch];
                for (int k = 0; k < inner; k++) y[b + k] = x[b + k] * s + t;
            }
        }
        return y;
    }

    public static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int k = from; k < to; k++) p *= shape[k];
        return p;
    }
}
