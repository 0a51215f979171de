package dev.formwork.ir.op;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import java.util.List;

/** Spatial resizing, NCHW. */
public final class ResizeOps {
    private ResizeOps() {}

    static List<OpDef> all() {
        return List.of(new Resize());
    }

    /**
     * Bilinear resize with half-pixel centres (PyTorch align_corners=False): the source coordinate
     * of output pixel d is (d + 0.5) / scale - 0.5, clamped to [0, in - 1], and the two nearest
     * rows/columns are blended linearly.
     */
    static final class Resize extends OpDef {
        Resize() {
            super("Resize", "bilinear resize of the last two axes, half-pixel centres");
            inputs(1);
            attr("scales", AttrType.FLOATS, null, "[scaleH, scaleW]; output = floor(in * scale)");
            attr("mode", AttrType.STRING, "linear", "only linear (bilinear)");
            attr("coordinate_transformation_mode", AttrType.STRING, "half_pixel", "only half_pixel");
            Layouts.declare(this);
        }

        private static int[] outSize(Node node, Shape x) {
            double[] s = node.floats("scales");
            if (s.length != 2) throw error(node, "scales needs 2 values");
            return new int[] {(int) Math.floor(x.dim(2) * s[0]), (int) Math.floor(x.dim(3) * s[1])};
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = Layouts.toNchw(node, in.get(0).shape());
            if (x.rank() != 4) throw error(node, "input must be 4-D, got " + x);
            if (!node.s("mode").equals("linear")) throw error(node, "unsupported mode " + node.s("mode"));
            if (!node.s("coordinate_transformation_mode").equals("half_pixel")) {
                throw error(node, "unsupported coordinate_transformation_mode " + node.s("coordinate_transformation_mode"));
            }
            int[] o = outSize(node, x);
            if (o[0] < 1 || o[1] < 1) throw error(node, "empty output for " + x);
            return one(new ValueType(in.get(0).dtype(), Layouts.fromNchw(node, Shape.of(x.dim(0), x.dim(1), o[0], o[1]))));
        }

        /** For each output index: lower source index, upper source index, weight of the upper one. */
        static void taps(int in, int out, double scale, int[] lo, int[] hi, float[] frac) {
            for (int d = 0; d < out; d++) {
                double src = (d + 0.5) / scale - 0.5;
                src = Math.max(0.0, Math.min(src, in - 1));
                int i0 = (int) Math.floor(src);
                lo[d] = i0;
                hi[d] = Math.min(i0 + 1, in - 1);
                frac[d] = (float) (src - i0);
            }
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            NdArray xin = Layouts.inNchw(node, in[0]);
            int[] s = xin.shape();
            int[] o = outSize(node, xin.shapeObj());
            double[] sc = node.floats("scales");
            int h = s[2], w = s[3], oh = o[0], ow = o[1];
            int[] y0 = new int[oh], y1 = new int[oh], x0 = new int[ow], x1 = new int[ow];
            float[] fy = new float[oh], fx = new float[ow];
            taps(h, oh, sc[0], y0, y1, fy);
            taps(w, ow, sc[1], x0, x1, fx);
            float[] x = xin.data(), y = new float[s[0] * s[1] * oh * ow];
            Parallel.forRange(s[0] * s[1], 4, (lo, hi) -> {
                for (int p = lo; p < hi; p++) {
                    int xb = p * h * w, yb = p * oh * ow;
                    for (int i = 0; i < oh; i++) {
                        int r0 = xb + y0[i] * w, r1 = xb + y1[i] * w;
                        float wy = fy[i];
                        for (int j = 0; j < ow; j++) {
                            float top = x[r0 + x0[j]] + (x[r0 + x1[j]] - x[r0 + x0[j]]) * fx[j];
                            float bot = x[r1 + x0[j]] + (x[r1 + x1[j]] - x[r1 + x0[j]]) * fx[j];
                            y[yb + i * ow + j] = top + (bot - top) * wy;
                        }
                    }
                }
            });
            return new NdArray[] {Layouts.outOfNchw(node, NdArray.of(new int[] {s[0], s[1], oh, ow}, y))};
        }
    }
}
