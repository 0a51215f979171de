package dev.formwork.exporters.savedmodel;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.MaxPoolAttrs;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;

/** Convolutions and pooling (average, max) on NHWC maps. */
final class ConvWriters {
    private ConvWriters() {}

    /**
     * Conv -> Conv2D with the filter re-laid HWIO [kH,kW,I,O], or DepthwiseConv2dNative with
     * [kH,kW,I,multiplier] when every group is one input channel, then BiasAdd. Other grouped
     * convolutions (none in the EfficientFormer models) are refused: TensorFlow's CPU Conv2D does
     * not run them.
     */
    static final class Conv implements OpWriter {
        @Override
        public void check(Node n, ExportOptions options) {
            if (!n.input(1).isConstant()) throw TfGraph.refuse(n, "the weight must be a constant");
            if (n.inputCount() > 2 && !n.input(2).isConstant()) throw TfGraph.refuse(n, "the bias must be a constant");
            int groups = (int) n.i("groups"), o = n.input(1).shape().dim(0), ig = n.input(1).shape().dim(1);
            if (groups != 1 && !(ig == 1 && o % groups == 0)) throw TfGraph.refuse(n, "grouped convolution with " + groups + " groups of " + ig + " channels");
        }

        @Override
        public void write(Node n, TfGraph g) {
            Padding.requireNhwc(n);
            Value x = n.input(0), w = n.input(1);
            Shape xs = x.shape(), ws = w.shape(), ys = n.output().shape();
            int[] s = n.intArray("strides"), d = n.intArray("dilations"), p = n.intArray("pads");
            int groups = (int) n.i("groups"), cin = xs.dim(3), o = ws.dim(0), kh = ws.dim(2), kw = ws.dim(3);
            Padding pad = Padding.of(xs.dim(1), xs.dim(2), kh, kw, s[0], s[1], d[0], d[1], p, ys.dim(1), ys.dim(2));
            String in = g.tensor(x);
            if (pad.explicit() != null) in = Padding.pad(g, in, pad.explicit(), n.name() + "/pad");
            TfAttrs a = TfAttrs.floatT().ints("strides", 1, s[0], s[1], 1).ints("dilations", 1, d[0], d[1], 1)
                    .s("padding", pad.mode()).s("data_format", "NHWC");
            String conv;
            if (groups == 1) {
                String filter = g.constantPermuted(w, new int[] {2, 3, 1, 0}, Shape.of(kh, kw, cin, o), "/hwio");
                conv = g.op("Conv2D", n.name() + "/conv", a.b("use_cudnn_on_gpu", true), in, filter);
            } else {
                // [O,1,kH,kW] with O = c*multiplier + m: [kH,kW,O] in that order is [kH,kW,C,multiplier].
                String filter = g.constantPermuted(w, new int[] {2, 3, 0, 1}, Shape.of(kh, kw, cin, o / cin), "/hwim");
                conv = g.op("DepthwiseConv2dNative", n.name() + "/conv", a, in, filter);
            }
            g.shape(conv, ys);
            if (n.inputCount() > 2) g.emit(n, "BiasAdd", TfAttrs.floatT().s("data_format", "NHWC"), conv, g.tensor(n.input(2)));
            else g.bind(n.output(), conv);
        }
    }

    /**
     * AveragePool -> AvgPool. TensorFlow's SAME divides by the in-bounds elements, which is
     * PyTorch's count_include_pad=False (V1's 3x3 s1 p1 token mixer). With count_include_pad=True
     * the zeros count: Pad + VALID. count_include_pad=False with pads SAME cannot express is refused.
     */
    static final class AvgPool implements OpWriter {
        @Override
        public void check(Node n, ExportOptions options) {
            if (n.i("count_include_pad") == 0) padding(n);
        }

        private static Padding padding(Node n) {
            Shape x = n.input(0).shape(), y = n.output().shape();
            boolean nhwc = "NHWC".equals(n.s("layout"));
            int h = nhwc ? 1 : 2, w = nhwc ? 2 : 3;
            int[] k = n.intArray("kernel"), s = n.intArray("strides"), p = n.intArray("pads");
            Padding pad = Padding.of(x.dim(h), x.dim(w), k[0], k[1], s[0], s[1], 1, 1, p, y.dim(h), y.dim(w));
            if (pad.explicit() != null && n.i("count_include_pad") == 0) {
                throw TfGraph.refuse(n, "pads " + java.util.Arrays.toString(p) + " with count_include_pad=0 are not TensorFlow SAME padding");
            }
            return pad;
        }

        @Override
        public void write(Node n, TfGraph g) {
            Padding.requireNhwc(n);
            int[] k = n.intArray("kernel"), s = n.intArray("strides"), p = n.intArray("pads");
            boolean anyPad = p[0] != 0 || p[1] != 0 || p[2] != 0 || p[3] != 0;
            String in = g.tensor(n.input(0)), mode;
            if (n.i("count_include_pad") != 0 && anyPad) {
                in = Padding.pad(g, in, p, n.name() + "/pad");
                mode = "VALID";
            } else {
                mode = padding(n).mode();
            }
            g.emit(n, "AvgPool", TfAttrs.floatT().ints("ksize", 1, k[0], k[1], 1).ints("strides", 1, s[0], s[1], 1)
                    .s("padding", mode).s("data_format", "NHWC"), in);
        }
    }

    /**
     * MaxPool (2 spatial axes, NHWC) -> MaxPool. TensorFlow's SAME skips out-of-image positions as
     * the IR does; other pads (MaxPool2d(3, 2, 1) on an even input, the importer's ceil_mode pads)
     * are a PadV2 with -inf, which never wins a max, before a VALID pool. A 1-D pool arrives from
     * the layout pass as a 2-D one over a 1-row image. MaxPool has no dilation and MaxPool3D is not
     * written, so dilated and 3-D max pools are refused.
     */
    static final class MaxPool implements OpWriter {
        @Override
        public void check(Node n, ExportOptions options) {
            int rank = n.input(0).shape().rank();
            if (rank != 4 && rank != 3) {
                throw TfGraph.refuse(n, "input " + n.input(0).shape() + " has " + (rank - 2) + " spatial axes; only 1-D and 2-D max pooling is written");
            }
            if (MaxPoolAttrs.of(n).dilated()) {
                throw TfGraph.refuse(n, "dilations " + java.util.Arrays.toString(n.intArray("dilations")) + "; TensorFlow's MaxPool has no dilation");
            }
        }

        @Override
        public void write(Node n, TfGraph g) {
            Padding.requireNhwc(n);
            Shape x = n.input(0).shape(), y = n.output().shape();
            MaxPoolAttrs a = MaxPoolAttrs.of(n);
            int[] k = a.kernel(), s = a.strides(), p = a.pads();
            Padding pad = Padding.of(x.dim(1), x.dim(2), k[0], k[1], s[0], s[1], 1, 1, p, y.dim(1), y.dim(2));
            String in = g.tensor(n.input(0));
            if (pad.explicit() != null) in = Padding.pad(g, in, pad.explicit(), Float.NEGATIVE_INFINITY, n.name() + "/pad");
            g.emit(n, "MaxPool", TfAttrs.floatT().ints("ksize", 1, k[0], k[1], 1).ints("strides", 1, s[0], s[1], 1)
                    .s("padding", pad.mode()).s("data_format", "NHWC"), in);
        }
    }
}
