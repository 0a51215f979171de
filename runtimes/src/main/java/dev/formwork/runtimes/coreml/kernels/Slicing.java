package dev.formwork.runtimes.coreml.kernels;

/**
 * Slicing and joining of row-major arrays: Python slice bounds (as MIL slice_by_index and NN
 * sliceStatic define begin/end with negative indices and masks), strided gathers and
 * concatenation (plain, or interleaved as MIL concat / NN concatND {@code interleave=true}).
 */
public final class Slicing {
    private Slicing() {}

    /** {@code slice(begin, end, step).indices(len)}: null bounds are open, negatives wrap, results clamp. */
    public static int[] bounds(Integer begin, Integer end, int step, int len) {
        int start, stop;
        if (step > 0) {
            start = begin == null ? 0 : clamp(begin < 0 ? begin + len : begin, 0, len);
            stop = end == null ? len : clamp(end < 0 ? end + len : end, 0, len);
        } else {
            start = begin == null ? len - 1 : clamp(begin < 0 ? begin + len : begin, -1, len - 1);
            stop = end == null ? -1 : clamp(end < 0 ? end + len : end, -1, len - 1);
        }
        return new int[] {start, stop};
    }

    /** Element count of a resolved slice. */
    public static int count(int start, int stop, int step) {
        return step > 0 ? Math.max(0, (stop - start + step - 1) / step) : Math.max(0, (start - stop - step - 1) / -step);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Gathers {@code out} elements starting at {@code begin} with per-axis {@code step}. */
    public static float[] strided(float[] x, int[] xs, int[] begin, int[] step, int[] out) {
        int r = xs.length, n = 1;
        for (int d : out) n *= d;
        float[] y = new float[n];
        if (n == 0) return y;
        int[] st = new int[r];
        for (int k = r - 1, s = 1; k >= 0; k--) {
            st[k] = s;
            s *= xs[k];
        }
        int[] idx = new int[r];
        for (int p = 0; p < n; p++) {
            int off = 0;
            for (int k = 0; k < r; k++) off += (begin[k] + idx[k] * step[k]) * st[k];
            y[p] = x[off];
            for (int k = r - 1; k >= 0; k--) {
                if (++idx[k] < out[k]) break;
                idx[k] = 0;
            }
        }
        return y;
    }

    /** Concatenation along {@code axis} of arrays that agree on every other axis. */
    public static float[] concat(float[][] parts, int[][] shapes, int axis, boolean interleave) {
        int outer = 1;
        for (int k = 0; k < axis; k++) outer *= shapes[0][k];
        int inner = 1;
        for (int k = axis + 1; k < shapes[0].length; k++) inner *= shapes[0][k];
        int total = 0;
        for (int[] s : shapes) total += s[axis];
        float[] y = new float[outer * total * inner];
        if (!interleave) {
            for (int o = 0; o < outer; o++) {
                int pos = o * total * inner;
                for (int p = 0; p < parts.length; p++) {
                    int len = shapes[p][axis] * inner;
                    System.arraycopy(parts[p], o * len, y, pos, len);
                    pos += len;
                }
            }
            return y;
        }
        int n = parts.length, d = shapes[0][axis];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < d; i++) {
                for (int p = 0; p < n; p++) {
                    System.arraycopy(parts[p], (o * d + i) * inner, y, ((o * d + i) * n + p) * inner, inner);
                }
            }
        }
        return y;
    }
}
