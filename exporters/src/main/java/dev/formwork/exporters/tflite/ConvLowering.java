package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.DType;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.ByteBuffer;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.Conv2DOptions;
import org.tensorflow.lite.schema.DepthwiseConv2DOptions;

/**
 * Conv (NHWC) -> CONV_2D with the filter re-laid [O,kH,kW,I], or DEPTHWISE_CONV_2D with
 * [1,kH,kW,O] when every group is one input channel. Other grouped convolutions (none in the
 * EfficientFormer models) take the portable route: SPLIT_V on channels, one CONV_2D per group,
 * CONCATENATION, rather than CONV_2D version 6, which few kernels implement. A missing bias is
 * written as zeros so the ops keep their lowest versions.
 */
final class ConvLowering implements OpLowering {
    @Override
    public void check(Node n, ExportOptions options) {
        if (!n.input(1).isConstant()) throw LoweringContext.refuse(n, "the weight must be a constant");
        if (n.inputCount() > 2 && !n.input(2).isConstant()) throw LoweringContext.refuse(n, "the bias must be a constant");
    }

    @Override
    public void lower(Node n, LoweringContext cx) {
        Layout.requireNhwc(n);
        Value x = n.input(0), w = n.input(1);
        Shape xs = x.shape(), ws = w.shape(), ys = n.output().shape();
        int[] s = n.intArray("strides"), d = n.intArray("dilations"), p = n.intArray("pads");
        int groups = (int) n.i("groups"), cin = xs.dim(3), o = ws.dim(0);
        Padding pad = Padding.of(xs.dim(1), xs.dim(2), ws.dim(2), ws.dim(3), s[0], s[1], d[0], d[1], p, ys.dim(1), ys.dim(2));
        int in = cx.tensor(x);
        if (pad.needsPad()) in = Layout.pad(cx, in, pad.explicit(), n.name() + "/pad");
        int out = cx.tensor(n.output());
        if (groups == 1) {
            int filter = cx.constantPermuted(w, new int[] {0, 2, 3, 1}, "/ohwi");
            conv2d(cx, in, filter, bias(n, cx, o), out, pad.mode(), s, d);
        } else if (groups == cin && o % cin == 0) {
            int filter = cx.constantPermuted(w, new int[] {1, 2, 3, 0}, "/1hwo");
            int version = d[0] != 1 || d[1] != 1 ? 2 : 1;
            int mult = o / cin;
            cx.op(BuiltinOperator.DEPTHWISE_CONV_2D, version, new int[] {in, filter, bias(n, cx, o)}, new int[] {out},
                    BuiltinOptions.DepthwiseConv2DOptions, b -> DepthwiseConv2DOptions.createDepthwiseConv2DOptions(b, pad.mode(),
                            s[1], s[0], mult, ActivationFunctionType.NONE, d[1], d[0]));
        } else {
            grouped(n, cx, in, out, groups, pad.mode(), s, d);
        }
    }

    private static void conv2d(LoweringContext cx, int in, int filter, int bias, int out, byte mode, int[] s, int[] d) {
        cx.op(BuiltinOperator.CONV_2D, 1, new int[] {in, filter, bias}, new int[] {out}, BuiltinOptions.Conv2DOptions,
                b -> Conv2DOptions.createConv2DOptions(b, mode, s[1], s[0], ActivationFunctionType.NONE, d[1], d[0]));
    }

    private static int bias(Node n, LoweringContext cx, int o) {
        if (n.inputCount() > 2) return cx.tensor(n.input(2));
        return cx.constant(n.name() + "/zero_bias", Tensor.ofFloats(Shape.of(o), new float[o]));
    }

    /** SPLIT_V on channels, one CONV_2D per group with that group's filter rows, CONCATENATION. */
    private static void grouped(Node n, LoweringContext cx, int in, int out, int groups, byte mode, int[] s, int[] d) {
        Value w = n.input(1);
        Shape ws = w.shape(), is = cx.shape(in), ys = n.output().shape();
        int og = ws.dim(0) / groups, cg = is.dim(3) / groups;
        int[] sizes = new int[groups];
        java.util.Arrays.fill(sizes, cg);
        int[] pieces = new int[groups];
        for (int g = 0; g < groups; g++) pieces[g] = cx.intermediate(n.name() + "/group" + g + "/in", is.withDim(3, cg));
        int axis = cx.int32(n.name() + "/axis", Shape.SCALAR, 3);
        cx.op(BuiltinOperator.SPLIT_V, 1, new int[] {in, cx.int32(n.name() + "/sizes", sizes), axis}, pieces,
                BuiltinOptions.SplitVOptions, b -> org.tensorflow.lite.schema.SplitVOptions.createSplitVOptions(b, groups));
        Tensor wt = w.constant(), bt = n.inputCount() > 2 ? n.input(2).constant() : null;
        int[] outs = new int[groups];
        long rowBytes = ws.numel() / ws.dim(0) * 4;
        for (int g = 0; g < groups; g++) {
            Tensor wg = slice(wt, Shape.of(og, ws.dim(1), ws.dim(2), ws.dim(3)), g * og * rowBytes, og * rowBytes);
            int filter = cx.constantPermuted(n.name() + "/group" + g + "/ohwi", wg, new int[] {0, 2, 3, 1});
            float[] bias = new float[og];
            if (bt != null) for (int k = 0; k < og; k++) bias[k] = bt.getFloat(g * og + k);
            int bg = cx.constant(n.name() + "/group" + g + "/bias", Tensor.ofFloats(Shape.of(og), bias));
            outs[g] = cx.intermediate(n.name() + "/group" + g, ys.withDim(3, og));
            conv2d(cx, pieces[g], filter, bg, outs[g], mode, s, d);
        }
        cx.op(BuiltinOperator.CONCATENATION, 1, outs, new int[] {out}, BuiltinOptions.ConcatenationOptions,
                b -> org.tensorflow.lite.schema.ConcatenationOptions.createConcatenationOptions(b, 3, ActivationFunctionType.NONE));
    }

    private static Tensor slice(Tensor t, Shape shape, long offset, long length) {
        ByteBuffer b = t.data();
        b.position(Math.toIntExact(offset));
        b.limit(Math.toIntExact(offset + length));
        return Tensor.wrap(DType.FLOAT32, shape, b.slice());
    }
}
