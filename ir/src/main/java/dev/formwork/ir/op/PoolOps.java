package dev.formwork.ir.op;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import java.util.List;

/** Pooling, NCHW: 2-D average pooling, N-D max pooling. */
public final class PoolOps {
    private PoolOps() {}

    static List<OpDef> all() {
        return List.of(new AveragePool(), new MaxPool());
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

    /**
     * Max pooling over the trailing 1 to 3 spatial axes with dilations; padded positions never
     * win (they are skipped, not zeros), as in ONNX and PyTorch. A 4-D input may be laid out NHWC
     * (the {@code layout} attribute, set by the layout pass for NHWC targets).
     */
    static final class MaxPool extends OpDef {
        MaxPool() {
            super("MaxPool", "max pooling over 1-3 spatial axes, NC...");
            inputs(1);
            attr("kernel", AttrType.INTS, null, "window per spatial axis");
            attr("strides", AttrType.INTS, new long[0], "stride per spatial axis (default 1)");
            attr("pads", AttrType.INTS, new long[0], "[begin per axis..., end per axis...] (default 0)");
            attr("dilations", AttrType.INTS, new long[0], "dilation per spatial axis (default 1)");
            Layouts.declare(this);
        }

        private static int[] orOnes(Node node, String name, int n, int fill) {
            int[] v = node.intArray(name);
            if (v.length == 0) {
                v = new int[n];
                java.util.Arrays.fill(v, fill);
            }
            if (v.length != n) throw error(node, name + " has " + v.length + " values for " + n + " spatial axes");
            return v;
        }

        /** {kernel, strides, pads, dilations, out} for input {@code x}. */
        private static int[][] geometry(Node node, Shape x) {
            int sp = x.rank() - 2;
            if (sp < 1 || sp > 3) throw error(node, "input must have 1 to 3 spatial axes, got " + x);
            int[] k = node.intArray("kernel");
            if (k.length != sp) throw error(node, "kernel has " + k.length + " values for input " + x);
            int[] s = orOnes(node, "strides", sp, 1), d = orOnes(node, "dilations", sp, 1), p = orOnes(node, "pads", 2 * sp, 0);
            int[] out = new int[sp];
            for (int i = 0; i < sp; i++) {
                int eff = (k[i] - 1) * d[i] + 1;
                out[i] = Math.floorDiv(x.dim(2 + i) + p[i] + p[sp + i] - eff, s[i]) + 1;
                if (out[i] <= 0 || s[i] < 1 || d[i] < 1) throw error(node, "empty output for input " + x);
            }
            return new int[][] {k, s, p, d, out};
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = Layouts.toNchw(node, in.get(0).shape());
            int[] out = geometry(node, x)[4];
            int[] dims = new int[x.rank()];
            dims[0] = x.dim(0);
            dims[1] = x.dim(1);
            System.arraycopy(out, 0, dims, 2, out.length);
            return one(new ValueType(in.get(0).dtype(), Layouts.fromNchw(node, Shape.of(dims))));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            NdArray xin = Layouts.inNchw(node, in[0]);
            Shape xs = xin.shapeObj();
            int[][] geo = geometry(node, xs);
            int[] k = geo[0], s = geo[1], p = geo[2], d = geo[3], out = geo[4];
            int sp = k.length;
            // treat every input as 3-D spatial (missing leading axes have size 1)
            int[] id = new int[3], od = new int[3], kk = new int[3], ss = new int[3], pp = new int[3], dd = new int[3];
            for (int i = 0; i < 3; i++) {
                int j = i - (3 - sp);
                id[i] = j < 0 ? 1 : xs.dim(2 + j);
                od[i] = j < 0 ? 1 : out[j];
                kk[i] = j < 0 ? 1 : k[j];
                ss[i] = j < 0 ? 1 : s[j];
                pp[i] = j < 0 ? 0 : p[j];
                dd[i] = j < 0 ? 1 : d[j];
            }
            int planes = xs.dim(0) * xs.dim(1), inPlane = id[0] * id[1] * id[2], outPlane = od[0] * od[1] * od[2];
            float[] x = xin.data(), y = new float[planes * outPlane];
            Parallel.forRange(planes, 4, (lo, hi) -> {
                for (int pl = lo; pl < hi; pl++) {
                    int xb = pl * inPlane, yb = pl * outPlane;
                    for (int o0 = 0; o0 < od[0]; o0++)
                        for (int o1 = 0; o1 < od[1]; o1++)
                            for (int o2 = 0; o2 < od[2]; o2++) {
                                float m = Float.NEGATIVE_INFINITY;
                                boolean nan = false;
                                for (int a = 0; a < kk[0]; a++) {
                                    int i0 = o0 * ss[0] - pp[0] + a * dd[0];
                                    if (i0 < 0 || i0 >= id[0]) continue;
                                    for (int b = 0; b < kk[1]; b++) {
                                        int i1 = o1 * ss[1] - pp[1] + b * dd[1];
                                        if (i1 < 0 || i1 >= id[1]) continue;
                                        for (int c = 0; c < kk[2]; c++) {
                                            int i2 = o2 * ss[2] - pp[2] + c * dd[2];
                                            if (i2 < 0 || i2 >= id[2]) continue;
                                            float v = x[xb + (i0 * id[1] + i1) * id[2] + i2];
                                            if (v != v) nan = true;
                                            else if (v > m) m = v;
                                        }
                                    }
                                }
                                y[yb + (o0 * od[1] + o1) * od[2] + o2] = nan ? Float.NaN : m;
                            }
                }
            });
            int[] dims = new int[xs.rank()];
            dims[0] = xs.dim(0);
            dims[1] = xs.dim(1);
            System.arraycopy(out, 0, dims, 2, sp);
            return new NdArray[] {Layouts.outOfNchw(node, NdArray.of(dims, y))};
        }
    }
}
