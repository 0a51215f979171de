package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.Pool2DOptions;

/**
 * AveragePool (NHWC) -> AVERAGE_POOL_2D. TFLite's SAME divides by the number of in-bounds
 * elements, which is PyTorch's count_include_pad=False: V1's 3x3 s1 p1 mixer is SAME. With
 * count_include_pad=True the zeros count, which is PAD + VALID. V2's 1x1 stride-2 subsample has
 * no padding: VALID. count_include_pad=False with pads SAME cannot express is refused.
 */
final class PoolLowering implements OpLowering {
    @Override
    public void check(Node n, ExportOptions options) {
        if (n.i("count_include_pad") == 0) padding(n);
    }

    /** The padding mode, from H and W in either layout (check runs before and after the layout pass). */
    private static Padding padding(Node n) {
        Shape x = n.input(0).shape(), y = n.output().shape();
        boolean nhwc = "NHWC".equals(n.s("layout"));
        int h = nhwc ? 1 : 2, w = nhwc ? 2 : 3;
        int[] k = n.intArray("kernel"), s = n.intArray("strides"), p = n.intArray("pads");
        Padding pad = Padding.of(x.dim(h), x.dim(w), k[0], k[1], s[0], s[1], 1, 1, p, y.dim(h), y.dim(w));
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
        byte m = mode;
        cx.op(BuiltinOperator.AVERAGE_POOL_2D, 1, new int[] {in}, new int[] {cx.tensor(n.output())}, BuiltinOptions.Pool2DOptions,
                b -> Pool2DOptions.createPool2DOptions(b, m, s[1], s[0], k[1], k[0], ActivationFunctionType.NONE));
    }
}
