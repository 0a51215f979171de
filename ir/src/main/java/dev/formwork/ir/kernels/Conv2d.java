package dev.formwork.ir.kernels;

import dev.formwork.ir.interp.Parallel;

/**
 * 2-D convolution on NCHW float arrays, weight [O, I/groups, kH, kW].
 *
 * <p>Three paths: a 1x1 stride-1 unpadded convolution is a plain matrix product per image;
 * a depthwise convolution (one input channel per group) is a direct loop; anything else is
 * im2col per image and group followed by a matrix product.
 */
public final class Conv2d {
    private Conv2d() {}

    /** Geometry of one convolution. Pads are [top, left, bottom, right]. */
    public record Geometry(int n, int c, int h, int w, int o, int kh, int kw,
                           int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw, int groups) {
        public int oh() {
            return Math.floorDiv(h + pt + pb - dh * (kh - 1) - 1, sh) + 1; // floor: a too-large kernel gives <= 0
        }

        public int ow() {
            return Math.floorDiv(w + pl + pr - dw * (kw - 1) - 1, sw) + 1;
        }
    }

    public static float[] run(Geometry g, float[] x, float[] weight, float[] bias) {
        int oh = g.oh(), ow = g.ow();
        float[] y = new float[g.n() * g.o() * oh * ow];
        int cg = g.c() / g.groups(), og = g.o() / g.groups();
        boolean pointwise = g.kh() == 1 && g.kw() == 1 && g.sh() == 1 && g.sw() == 1
                && g.pt() == 0 && g.pl() == 0 && g.pb() == 0 && g.pr() == 0;
        if (cg == 1 && g.groups() > 1) {
            depthwise(g, x, weight, bias, y);
            return y;
        }
        int spatial = oh * ow;
        int kdim = cg * g.kh() * g.kw();
        for (int b = 0; b < g.n(); b++) {
            for (int gr = 0; gr < g.groups(); gr++) {
                int yOff = (b * g.o() + gr * og) * spatial;
                fillBias(y, yOff, bias, gr * og, og, spatial);
                float[] cols;
                int colOff;
                if (pointwise) {
                    cols = x;
                    colOff = (b * g.c() + gr * cg) * g.h() * g.w();
                } else {
                    cols = im2col(g, x, b, gr * cg, cg);
                    colOff = 0;
                }
                Gemm.sgemm(og, spatial, kdim, weight, gr * og * kdim, kdim, cols, colOff, spatial, false,
                        y, yOff, spatial, true);
            }
        }
        return y;
    }

    private static void fillBias(float[] y, int off, float[] bias, int o0, int count, int spatial) {
        if (bias == null) return;
        for (int o = 0; o < count; o++) {
            java.util.Arrays.fill(y, off + o * spatial, off + (o + 1) * spatial, bias[o0 + o]);
        }
    }

    /** Rows (c, ky, kx), columns (oy, ox): the patch matrix of image b, channels [c0, c0+cn). */
    static float[] im2col(Geometry g, float[] x, int b, int c0, int cn) {
        int oh = g.oh(), ow = g.ow(), kh = g.kh(), kw = g.kw();
        float[] cols = new float[cn * kh * kw * oh * ow];
        Parallel.forRange(cn, 4, (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                int xBase = (b * g.c() + c0 + c) * g.h() * g.w();
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        int row = ((c * kh + ky) * kw + kx) * oh * ow;
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * g.sh() - g.pt() + ky * g.dh();
                            int r = row + oy * ow;
                            if (iy < 0 || iy >= g.h()) continue; // stays zero
                            int xr = xBase + iy * g.w();
                            for (int ox = 0; ox < ow; ox++) {
                                int ix = ox * g.sw() - g.pl() + kx * g.dw();
                                if (ix >= 0 && ix < g.w()) cols[r + ox] = x[xr + ix];
                            }
                        }
                    }
                }
            }
        });
        return cols;
    }

    /**
     * Stride 1: copy the plane into a zero-padded one of width W + pl + pr, then each tap is one
     * long contiguous multiply-add over the whole padded output grid (rows of width W + pl + pr,
     * the extra columns discarded), instead of one short range per output row. EfficientFormerV2's
     * 7x7 and 14x14 maps made the per-row loops too short to vectorise.
     */
    static void depthwiseStride1(Geometry g, float[] x, float[] weight, float[] bias, float[] y) {
        int oh = g.oh(), ow = g.ow(), kh = g.kh(), kw = g.kw(), h = g.h(), w = g.w();
        int pw = w + g.pl() + g.pr(), ph = h + g.pt() + g.pb();
        int mult = g.o() / g.groups();
        int span = (oh - 1) * pw + ow; // last useful element of the padded output grid, plus one
        Parallel.forRange(g.n() * g.o(), 2, (lo, hi) -> {
            float[] pad = new float[ph * pw];
            float[] acc = new float[oh * pw];
            for (int bo = lo; bo < hi; bo++) {
                int b = bo / g.o(), o = bo % g.o();
                int xBase = (b * g.c() + o / mult) * h * w;
                for (int iy = 0; iy < h; iy++) System.arraycopy(x, xBase + iy * w, pad, (iy + g.pt()) * pw + g.pl(), w);
                java.util.Arrays.fill(acc, 0, span, bias == null ? 0f : bias[o]);
                int wBase = o * kh * kw;
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        float wv = weight[wBase + ky * kw + kx];
                        int off = ky * pw + kx;
                        for (int i = 0; i < span; i++) acc[i] += wv * pad[off + i];
                    }
                }
                int yBase = bo * oh * ow;
                for (int oy = 0; oy < oh; oy++) System.arraycopy(acc, oy * pw, y, yBase + oy * ow, ow);
            }
        });
    }

    /**
     * One input channel per group; output channel o reads input channel o / (O / groups).
     * Accumulates tap by tap over whole output rows: for each (ky, kx) the valid output columns
     * form one contiguous range, so the inner loop has no bounds checks and vectorises.
     */
    static void depthwise(Geometry g, float[] x, float[] weight, float[] bias, float[] y) {
        if (g.sh() == 1 && g.sw() == 1 && g.dh() == 1 && g.dw() == 1) {
            depthwiseStride1(g, x, weight, bias, y);
            return;
        }
        int oh = g.oh(), ow = g.ow(), kh = g.kh(), kw = g.kw();
        int sw = g.sw();
        int mult = g.o() / g.groups();
        Parallel.forRange(g.n() * g.o(), 2, (lo, hi) -> {
            for (int bo = lo; bo < hi; bo++) {
                int b = bo / g.o(), o = bo % g.o();
                int ci = o / mult;
                int xBase = (b * g.c() + ci) * g.h() * g.w();
                int yBase = bo * oh * ow;
                int wBase = o * kh * kw;
                java.util.Arrays.fill(y, yBase, yBase + oh * ow, bias == null ? 0f : bias[o]);
                for (int ky = 0; ky < kh; ky++) {
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.sh() - g.pt() + ky * g.dh();
                        if (iy < 0 || iy >= g.h()) continue;
                        int xr = xBase + iy * g.w();
                        int yr = yBase + oy * ow;
                        for (int kx = 0; kx < kw; kx++) {
                            float wv = weight[wBase + ky * kw + kx];
                            int off = kx * g.dw() - g.pl(); // ix = ox * sw + off
                            int oxLo = off >= 0 ? 0 : (-off + sw - 1) / sw;
                            int oxHi = Math.min(ow, Math.floorDiv(g.w() - 1 - off, sw) + 1);
                            if (sw == 1) {
                                int src = xr + off;
                                for (int ox = oxLo; ox < oxHi; ox++) y[yr + ox] += wv * x[src + ox];
                            } else {
                                for (int ox = oxLo; ox < oxHi; ox++) y[yr + ox] += wv * x[xr + ox * sw + off];
                            }
                        }
                    }
                }
            }
        });
    }
}
