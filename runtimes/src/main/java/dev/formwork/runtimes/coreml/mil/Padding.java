package dev.formwork.runtimes.coreml.mil;

/** The {@code pad} op's three modes on the last N axes (coremltools {@code iOS15/tensor_operation.py}). */
final class Padding {
    private Padding() {}

    static MilValue pad(MilOpContext c, MilValue x, int[] p, String mode, float cv) {
        int r = x.rank(), n = p.length / 2, first = r - n;
        int[] xs = x.shape(), out = x.shape();
        for (int j = 0; j < n; j++) {
            int k = first + j, len = xs[k];
            if (p[2 * j] < 0 || p[2 * j + 1] < 0) throw c.fail("pad values must be >= 0");
            if (mode.equals("reflect") && (p[2 * j] > len - 1 || p[2 * j + 1] > len - 1)) throw c.fail("reflect pad must be < the axis length");
            if (mode.equals("replicate") && (p[2 * j] > len || p[2 * j + 1] > len)) throw c.fail("replicate pad must be <= the axis length");
            out[k] = len + p[2 * j] + p[2 * j + 1];
        }
        if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("replicate")) {
            throw c.fail("unknown pad mode '" + mode + "' (constant, reflect, replicate)");
        }
        int total = 1;
        for (int d : out) total *= d;
        float[] src = x.floats(), y = new float[total];
        int[] st = new int[r];
        for (int k = r - 1, s = 1; k >= 0; k--) {
            st[k] = s;
            s *= xs[k];
        }
        int[] idx = new int[r];
        for (int q = 0; q < total; q++) {
            int off = 0;
            boolean outside = false;
            for (int k = 0; k < r; k++) {
                int before = k >= first ? p[2 * (k - first)] : 0;
                int i = idx[k] - before, len = xs[k];
                if (i < 0 || i >= len) {
                    if (mode.equals("constant")) {
                        outside = true;
                        break;
                    }
                    i = mode.equals("reflect") ? (i < 0 ? -i : 2 * (len - 1) - i) : (i < 0 ? 0 : len - 1);
                }
                off += i * st[k];
            }
            y[q] = outside ? cv : src[off];
            for (int k = r - 1; k >= 0; k--) {
                if (++idx[k] < out[k]) break;
                idx[k] = 0;
            }
        }
        return MilValue.floats(x.dtype(), out, y);
    }
}
