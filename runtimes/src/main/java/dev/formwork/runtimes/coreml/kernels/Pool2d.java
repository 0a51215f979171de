package dev.formwork.runtimes.coreml.kernels;

/**
 * 2-D max / average pooling over the last two axes of a row-major array whose leading axes are
 * all batch ("the leading dimensions ... are all treated as batch", NeuralNetwork.proto
 * PoolingLayerParams; MIL {@code pool.py}).
 *
 * <p>Padding never contributes a value: a max is taken over the in-bounds elements of the
 * window. An average divides by the number of window positions inside the input when
 * {@code excludePadding} is set (count_include_pad=False), else by the number of positions
 * inside the padded input {@code [-top, H+bottom) x [-left, W+right)} — the full kernel area
 * unless a ceil-mode window runs past the padding.
 */
public final class Pool2d {
    private Pool2d() {}

    /** Window geometry; pads are top, bottom, left, right (the MIL order). */
    public record Geometry(int h, int w, int kh, int kw, int sh, int sw,
                           int top, int bottom, int left, int right, int oh, int ow) {}

    /** Output size along one axis: floor (or ceil with the PyTorch correction) of the window count. */
    public static int outSize(int in, int k, int s, int before, int after, boolean ceil) {
        int span = in + before + after - k;
        if (span < 0) return 0;
        if (!ceil) return span / s + 1;
        int out = (span + s - 1) / s + 1;
        // The last window must start inside the input or the leading padding.
        if ((out - 1) * s >= in + before) out--;
        return out;
    }

    public static float[] max(float[] x, int planes, Geometry g) {
        float[] y = new float[planes * g.oh() * g.ow()];
        for (int p = 0; p < planes; p++) {
            int xb = p * g.h() * g.w(), yb = p * g.oh() * g.ow();
            for (int oy = 0; oy < g.oh(); oy++) {
                int y0 = oy * g.sh() - g.top();
                int ya = Math.max(y0, 0), yz = Math.min(y0 + g.kh(), g.h());
                for (int ox = 0; ox < g.ow(); ox++) {
                    int x0 = ox * g.sw() - g.left();
                    int xa = Math.max(x0, 0), xz = Math.min(x0 + g.kw(), g.w());
                    float m = Float.NEGATIVE_INFINITY;
                    boolean nan = false;
                    for (int iy = ya; iy < yz; iy++) {
                        for (int ix = xa; ix < xz; ix++) {
                            float v = x[xb + iy * g.w() + ix];
                            if (v != v) nan = true;
                            else if (v > m) m = v;
                        }
                    }
                    y[yb + oy * g.ow() + ox] = nan ? Float.NaN : m;
                }
            }
        }
        return y;
    }

    public static float[] average(float[] x, int planes, Geometry g, boolean excludePadding) {
        float[] y = new float[planes * g.oh() * g.ow()];
        for (int p = 0; p < planes; p++) {
            int xb = p * g.h() * g.w(), yb = p * g.oh() * g.ow();
            for (int oy = 0; oy < g.oh(); oy++) {
                int y0 = oy * g.sh() - g.top();
                int ya = Math.max(y0, 0), yz = Math.min(y0 + g.kh(), g.h());
                int pya = Math.max(y0, -g.top()), pyz = Math.min(y0 + g.kh(), g.h() + g.bottom());
                for (int ox = 0; ox < g.ow(); ox++) {
                    int x0 = ox * g.sw() - g.left();
                    int xa = Math.max(x0, 0), xz = Math.min(x0 + g.kw(), g.w());
                    float s = 0f;
                    for (int iy = ya; iy < yz; iy++) {
                        int r = xb + iy * g.w();
                        for (int ix = xa; ix < xz; ix++) s += x[r + ix];
                    }
                    int count;
                    if (excludePadding) {
                        count = Math.max(yz - ya, 0) * Math.max(xz - xa, 0);
                    } else {
                        int pxa = Math.max(x0, -g.left()), pxz = Math.min(x0 + g.kw(), g.w() + g.right());
                        count = Math.max(pyz - pya, 0) * Math.max(pxz - pxa, 0);
                    }
                    y[yb + oy * g.ow() + ox] = count == 0 ? 0f : s / count;
                }
            }
        }
        return y;
    }
}
