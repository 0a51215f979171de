package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.MaxPoolAttrs;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.Pool2DOptions;

/** 2-D pooling on NHWC maps: AVERAGE_POOL_2D and MAX_POOL_2D. */
final class PoolLowering {
    private PoolLowering() {}

    /** The padding mode, from H and W in either layout (check runs before and after the layout pass). */
    private static Padding padding(Node n, int[] k, int[] s, int[] p) {
        Shape x = n.input(0).shape(), y = n.output().shape();
        boolean nhwc = "NHWC".equals(n.s("layout"));
        int h = nhwc ? 1 : 2, w = nhwc ? 2 : 3;
        return Padding.of(x.dim(h), x.dim(w), k[0], k[1], s[0], s[1], 1, 1, p, y.dim(h), y.dim(w));
    }

    private static void pool(LoweringContext cx, int code, Node n, int in, byte mode, int[] k, int[] s) {
        cx.op(code, 1, new int[] {in}, new int[] {cx.tensor(n.output())}, BuiltinOptions.Pool2DOptions,
                b -> Pool2DOptions.createPool2DOptions(b, mode, s[1], s[0], k[1], k[0], ActivationFunctionType.NONE));
    }

    /**
     * AveragePool -> AVERAGE_POOL_2D. TFLite's SAME divides by the number of in-bounds
     * elements, which is PyTorch's count_include_pad=False: V1's 3x3 s1 p1 mixer is SAME. With
     * count_include_pad=True the zeros count, which is PAD + VALID. V2's 1x1 stride-2 subsample has
     * no padding: VALID. count_include_pad=False with pads SAME cannot express is refused.
     */
    static final class Average implements OpLowering {
        @Override
        public void check(Node n, ExportOptions options) {
            if (n.i("count_include_pad") == 0) padding(n);
        }

        private static Padding padding(Node n) {
            int[] p = n.intArray("pads");
            Padding pad = PoolLowering.padding(n, n.intArray("kernel"), n.intArray("strides"), p);
            if (pad.needsPad() && n.i("count_include_pad") == 0) {
                throw LoweringContext.refuse(n, "pads " + java.util.Arrays.toString(p) + " with count_include_pad=0 are not TFLite SAME padding");
            }
            return pad;
        }

        @Override
        public void lower(Node n, LoweringContext cx) {
            Layout.requireNhwc(n);
            int[] k = n.intArray("kernel"), s = n.intArray("strides"), p = n.intArray("pads");
            boolean anyPad = p[0] != 0 || p[1] != 0 || p[2] != 0 || p[3] != 0;
            int in = cx.tensor(n.input(0));
            byte mode;
            if (n.i("count_include_pad") != 0 && anyPad) {
                in = Layout.pad(cx, in, p, n.name() + "/pad");
                mode = org.tensorflow.lite.schema.Padding.VALID;
            } else {
                mode = padding(n).mode();
            }
            pool(cx, BuiltinOperator.AVERAGE_POOL_2D, n, in, mode, k, s);
        }
    }

    /**
     * MaxPool (2 spatial axes, NHWC) -> MAX_POOL_2D. TFLite's SAME skips out-of-image positions,
     * as the IR does, so PyTorch padding that SAME reproduces is SAME; other pads (MaxPool2d(3, 2,
     * 1) on an even input, the pads the importer adds for ceil_mode) are a PADV2 with -inf, which
     * never wins a max, before a VALID pool. A 1-D pool arrives from the layout pass as a 2-D one
     * over a 1-row image. MAX_POOL_2D has no dilation and there is no 3-D max pool, so dilated
     * and 3-D max pools are refused.
     */
    static final class Max implements OpLowering {
        @Override
        public void check(Node n, ExportOptions options) {
            int rank = n.input(0).shape().rank();
            if (rank != 4 && rank != 3) {
                throw LoweringContext.refuse(n, "input " + n.input(0).shape() + " has " + (rank - 2) + " spatial axes; MAX_POOL_2D pools 1 or 2");
            }
            if (MaxPoolAttrs.of(n).dilated()) {
                throw LoweringContext.refuse(n, "dilations " + java.util.Arrays.toString(n.intArray("dilations")) + "; MAX_POOL_2D has no dilation");
            }
        }

        @Override
        public void lower(Node n, LoweringContext cx) {
            Layout.requireNhwc(n);
            MaxPoolAttrs a = MaxPoolAttrs.of(n);
            int[] k = a.kernel(), s = a.strides(), p = a.pads();
            // IR pads are [top, left, bottom, right] like AveragePool's: begin per axis, then end per axis.
            Padding pad = padding(n, k, s, p);
            int in = cx.tensor(n.input(0));
            if (pad.needsPad()) in = Layout.pad(cx, in, pad.explicit(), Float.NEGATIVE_INFINITY, n.name() + "/pad");
            pool(cx, BuiltinOperator.MAX_POOL_2D, n, in, pad.mode(), k, s);
        }
    }
}
