package dev.formwork.ir.op;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import java.util.List;

/** Pooling, NCHW. */
public final class PoolOps {
    private PoolOps() {}

    static List<OpDef> all() {
        return List.of(new AveragePool());
    }

    /**
     * Average pooling. With count_include_pad = 0 (PyTorch's count_include_pad=False) the divisor
     * is the number of window positions inside the image: 4 at a 3x3 corner, 6 on an edge.
     */
    static final class AveragePool extends OpDef {
        AveragePool() {
            super("AveragePool", "2-D average pooling, NCHW");
            inputs(1);
            attr("kernel", AttrType.INTS, null, "[kH, kW]");
            attr("strides", AttrType.INTS, new long[] {1, 1}, "[sH, sW]");
            attr("pads", AttrType.INTS, new long[] {0, 0, 0, 0}, "[top, left, bottom, right]");
            attr("count_include_pad", AttrType.INT, 0L, "1: padded zeros count towards the divisor");
            Layouts.declare(this);
        }

        private static int out(int in, int k, int s, int p0, int p1) {
            return Math.floorDiv(in + p0 + p1 - k, s) + 1; // floor: a window larger than the input gives <= 0
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = Layouts.toNchw(node, in.get(0).shape());
            if (x.rank() != 4) throw error(node, "input must be 4-D, got " + x);
            int[] k = node.intArray("kernel"), s = node.intArray("strides"), p = node.intArray("pads");
            int oh = out(x.dim(2), k[0], s[0], p[0], p[2]), ow = out(x.dim(3), k[1], s[1], p[1], p[3]);
            if (oh <= 0 || ow <= 0) throw error(node, "empty output for input " + x);
            return one(new ValueType(in.get(0).dtype(), Layouts.fromNchw(node, Shape.of(x.dim(0), x.dim(1), oh, ow))));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            NdArray xin = Layouts.inNchw(node, in[0]);
            int[] xs = xin.shape();
            int[] k = node.intArray("kernel"), s = node.intArray("strides"), p = node.intArray("pads");
            boolean includePad = node.i("count_include_pad") != 0;
            int h = xs[2], w = xs[3];
            int oh = out(h, k[0], s[0], p[0], p[2]), ow = out(w, k[1], s[1], p[1], p[3]);
            float[] x = xin.data();
            float[] y = new float[xs[0] * xs[1] * oh * ow];
            if (s[0] == 1 && s[1] == 1) {
                separableStride1(x, y, xs[0] * xs[1], h, w, oh, ow, k, p, includePad);
                return new NdArray[] {Layouts.outOfNchw(node, NdArray.of(new int[] {xs[0], xs[1], oh, ow}, y))};
            }
            Parallel.forRange(xs[0] * xs[1], 4, (lo, hi) -> {
                for (int plane = lo; plane < hi; plane++) {
                    int xb = plane * h * w, yb = plane * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int y0 = oy * s[0] - p[0], y1 = y0 + k[0];
                        int cy0 = Math.max(y0, 0), cy1 = Math.min(y1, h);
                        for (int ox = 0; ox < ow; ox++) {
                            int x0 = ox * s[1] - p[1], x1 = x0 + k[1];
                            int cx0 = Math.max(x0, 0), cx1 = Math.min(x1, w);
                            float sum = 0f;
                            for (int iy = cy0; iy < cy1; iy++) {
                                for (int ix = cx0; ix < cx1; ix++) sum += x[xb + iy * w + ix];
                            }
                            int count = includePad
                                    ? (Math.min(y1, h + p[2]) - y0) * (Math.min(x1, w + p[3]) - x0)
                                    : (cy1 - cy0) * (cx1 - cx0);
                            y[yb + oy * ow + ox] = sum / count;
                        }
                    }
                }
            });
            return new NdArray[] {Layouts.outOfNchw(node, NdArray.of(new int[] {xs[0], xs[1], oh, ow}, y))};
        }

        /**
         * Stride 1: a box sum is a row pass then a column pass (k_h + k_w adds per output instead
         * of k_h * k_w), each tap over one contiguous range of valid positions; the divisor of a
         * window is the product of its clipped height and width.
         */
        private static void separableStride1(float[] x, float[] y, int planes, int h, int w, int oh, int ow,
                                             int[] k, int[] p, boolean includePad) {
            float[] rowDiv = divisors(h, oh, k[0], p[0], p[2], includePad);
            float[] colDiv = divisors(w, ow, k[1], p[1], p[3], includePad);
            Parallel.forRange(planes, 4, (lo, hi) -> {
                float[] rows = new float[h * ow];
                for (int plane = lo; plane < hi; plane++) {
                    int xb = plane * h * w, yb = plane * oh * ow;
                    java.util.Arrays.fill(rows, 0f);
                    for (int iy = 0; iy < h; iy++) {
                        int xr = xb + iy * w, rr = iy * ow;
                        for (int t = 0; t < k[1]; t++) {
                            int off = t - p[1]; // ix = ox + off
                            int oxLo = Math.max(0, -off), oxHi = Math.min(ow, w - off);
                            for (int ox = oxLo; ox < oxHi; ox++) rows[rr + ox] += x[xr + ox + off];
                        }
                    }
                    for (int oy = 0; oy < oh; oy++) {
                        int yr = yb + oy * ow;
                        for (int t = 0; t < k[0]; t++) {
                            int iy = oy + t - p[0];
                            if (iy < 0 || iy >= h) continue;
                            int rr = iy * ow;
                            for (int ox = 0; ox < ow; ox++) y[yr + ox] += rows[rr + ox];
                        }
                        float dy = rowDiv[oy];
                        for (int ox = 0; ox < ow; ox++) y[yr + ox] /= dy * colDiv[ox];
                    }
                }
            });
        }

        /** Per output position along one axis: how many window positions count towards the mean. */
        private static float[] divisors(int in, int out, int k, int before, int after, boolean includePad) {
            float[] d = new float[out];
            for (int o = 0; o < out; o++) {
                int a = o - before, b = a + k;
                d[o] = includePad ? Math.min(b, in + after) - a : Math.min(b, in) - Math.max(a, 0);
            }
            return d;
        }
    }
}
