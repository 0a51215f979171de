package dev.formwork.runtimes.coreml.kernels;

/**
 * Bilinear resampling of the last two axes at given source coordinates. The coordinate grids
 * are computed by the callers from each op's own definition (NN UpsampleLayerParams
 * LinearUpsampleMode, MIL upsample_bilinear / resize_bilinear sampling modes); here a source
 * coordinate {@code c} in {@code [0, X-1]} reads {@code (1-t) * v[floor(c)] + t * v[floor(c)+1]}.
 */
public final class Bilinear {
    private Bilinear() {}

    /** Grid {@code min(X-1, max(0, i*spacing + offset))} for {@code i = 0..n-1}. */
    public static double[] grid(int n, int in, double spacing, double offset) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = Math.min(in - 1, Math.max(0, i * spacing + offset));
        return g;
    }

    public static float[] resample(float[] x, int planes, int h, int w, double[] ys, double[] xs) {
        int oh = ys.length, ow = xs.length;
        float[] y = new float[planes * oh * ow];
        int[] x0 = new int[ow], x1 = new int[ow];
        float[] tx = new float[ow];
        for (int j = 0; j < ow; j++) {
            int f = (int) Math.floor(xs[j]);
            x0[j] = Math.min(Math.max(f, 0), w - 1);
            x1[j] = Math.min(x0[j] + 1, w - 1);
            tx[j] = (float) (xs[j] - f);
        }
        for (int p = 0; p < planes; p++) {
            int xb = p * h * w, yb = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int f = (int) Math.floor(ys[i]);
                int y0 = Math.min(Math.max(f, 0), h - 1), y1 = Math.min(y0 + 1, h - 1);
                float ty = (float) (ys[i] - f);
                int r0 = xb + y0 * w, r1 = xb + y1 * w;
                for (int j = 0; j < ow; j++) {
                    float top = x[r0 + x0[j]] + tx[j] * (x[r0 + x1[j]] - x[r0 + x0[j]]);
                    float bot = x[r1 + x0[j]] + tx[j] * (x[r1 + x1[j]] - x[r1 + x0[j]]);
                    y[yb + i * ow + j] = top + ty * (bot - top);
                }
            }
        }
        return y;
    }

    /** Nearest-neighbour upsampling by integer factors: output (i, j) reads (i / fh, j / fw). */
    public static float[] nearest(float[] x, int planes, int h, int w, int fh, int fw) {
        int oh = h * fh, ow = w * fw;
        float[] y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                int r = p * h * w + (i / fh) * w, o = p * oh * ow + i * ow;
                for (int j = 0; j < ow; j++) y[o + j] = x[r + j / fw];
            }
        }
        return y;
    }
}
