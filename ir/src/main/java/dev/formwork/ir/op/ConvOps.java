package dev.formwork.ir.op;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.kernels.Conv2d;
import java.util.List;

/** 2-D convolution (dense, grouped, depthwise), NCHW. */
public final class ConvOps {
    private ConvOps() {}

    static List<OpDef> all() {
        return List.of(new Conv());
    }

    /** Inputs: x [N,C,H,W], weight [O, C/groups, kH, kW], optional bias [O]. */
    static final class Conv extends OpDef {
        Conv() {
            super("Conv", "2-D convolution, NCHW, weight [O, C/groups, kH, kW]");
            inputs(2, 3);
            attr("strides", AttrType.INTS, new long[] {1, 1}, "[sH, sW]");
            attr("pads", AttrType.INTS, new long[] {0, 0, 0, 0}, "[top, left, bottom, right] (ONNX order)");
            attr("dilations", AttrType.INTS, new long[] {1, 1}, "[dH, dW]");
            attr("groups", AttrType.INT, 1L, "channel groups; groups == C is depthwise");
            Layouts.declare(this);
        }

        static Conv2d.Geometry geometry(Node node, Shape x, Shape w) {
            int[] s = node.intArray("strides"), p = node.intArray("pads"), d = node.intArray("dilations");
            int groups = (int) node.i("groups");
            return new Conv2d.Geometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                    s[0], s[1], p[0], p[1], p[2], p[3], d[0], d[1], groups);
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = Layouts.toNchw(node, in.get(0).shape()), w = in.get(1).shape();
            if (x.rank() != 4) throw error(node, "input must be 4-D, got " + in.get(0).shape());
            if (w.rank() != 4) throw error(node, "weight must be 4-D [O,C/g,kH,kW], got " + w);
            int groups = (int) node.i("groups");
            if (groups < 1 || x.dim(1) % groups != 0 || w.dim(0) % groups != 0) {
                throw error(node, "groups " + groups + " does not divide channels of " + x + " and " + w);
            }
            if (w.dim(1) != x.dim(1) / groups) {
                throw error(node, "weight " + w + " expects " + w.dim(1) * groups + " input channels, input is " + x);
            }
            if (in.size() == 3 && !in.get(2).shape().equals(Shape.of(w.dim(0)))) {
                throw error(node, "bias " + in.get(2).shape() + " does not match " + w.dim(0) + " output channels");
            }
            Conv2d.Geometry g = geometry(node, x, w);
            if (g.oh() <= 0 || g.ow() <= 0) throw error(node, "empty output for input " + x);
            return one(new ValueType(in.get(0).dtype(), Layouts.fromNchw(node, Shape.of(x.dim(0), w.dim(0), g.oh(), g.ow()))));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            NdArray x = Layouts.inNchw(node, in[0]);
            Conv2d.Geometry g = geometry(node, x.shapeObj(), in[1].shapeObj());
            float[] y = Conv2d.run(g, x.data(), in[1].data(), in.length > 2 ? in[2].data() : null);
            return new NdArray[] {Layouts.outOfNchw(node, NdArray.of(new int[] {g.n(), g.o(), g.oh(), g.ow()}, y))};
        }

        @Override
        public long macs(Node node) {
            Shape w = node.input(1).shape();
            return node.output().shape().numel() * w.dim(1) * w.dim(2) * w.dim(3);
        }
    }
}
