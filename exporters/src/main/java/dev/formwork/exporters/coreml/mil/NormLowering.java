package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Arrays;
import java.util.Map;

/**
 * LayerNorm -> {@code layer_norm} over the trailing axes (gamma/beta shaped like those axes);
 * BatchNorm -> {@code batch_norm} for rank 3..5, else a per-channel {@code mul} + {@code add}
 * with the statistics folded in double precision.
 */
final class NormLowering {
    private NormLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("LayerNorm", MilLowering.of(NormLowering::layerNorm, (n, s) -> {
            for (int i = 1; i < 3; i++) if (!n.input(i).isConstant()) throw MilContext.refuse(n, "layer_norm gamma/beta must be constants");
        }));
        t.put("BatchNorm", MilLowering.of(NormLowering::batchNorm, (n, s) -> {
            MilLowerings.nchwOnly(n);
            for (int i = 1; i < 5; i++) if (!n.input(i).isConstant()) throw MilContext.refuse(n, "batch_norm statistics must be constants");
        }));
    }

    static void layerNorm(Node n, MilContext c) {
        DataType t = c.computeType(n);
        Shape x = n.input(0).shape();
        int axis = x.axis((int) n.i("axis"));
        int[] axes = new int[x.rank() - axis];
        for (int i = 0; i < axes.length; i++) axes[i] = axis + i;
        int[] normShape = Arrays.copyOfRange(x.toArray(), axis, x.rank());
        MilOp op = c.op("layer_norm", n).in("x", c.input(n, 0, t)).ints("axes", axes)
                .in("gamma", c.constant(n, "gamma", n.input(1).constant(), t, normShape))
                .in("beta", c.constant(n, "beta", n.input(2).constant(), t, normShape))
                .scalar("epsilon", n.f("epsilon"), c.epsilonType(t));
        c.bind(n, 0, op.emit(t, x.toArray()));
    }

    static void batchNorm(Node n, MilContext c) {
        DataType t = c.computeType(n);
        int[] x = MilLowerings.shape(n.input(0));
        if (x.length >= 3 && x.length <= 5) {
            MilOp op = c.op("batch_norm", n).in("x", c.input(n, 0, t))
                    .in("mean", c.input(n, 3, t)).in("variance", c.input(n, 4, t))
                    .in("gamma", c.input(n, 1, t)).in("beta", c.input(n, 2, t))
                    .scalar("epsilon", n.f("epsilon"), c.epsilonType(t));
            c.bind(n, 0, op.emit(t, x));
            return;
        }
        float[] g = n.input(1).constant().toFloatArray(), b = n.input(2).constant().toFloatArray();
        float[] m = n.input(3).constant().toFloatArray(), v = n.input(4).constant().toFloatArray();
        float[] scale = new float[g.length], shift = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            double s = g[i] / Math.sqrt(v[i] + n.d("epsilon"));
            scale[i] = (float) s;
            shift[i] = (float) (b[i] - m[i] * s);
        }
        int[] cs = new int[x.length - 1];
        Arrays.fill(cs, 1);
        cs[0] = g.length;
        MilVar mul = c.block().op("mul", n.name() + "_scale").in("x", c.input(n, 0, t))
                .in("y", c.constant(n, "scale", Tensor.ofFloats(Shape.of(cs), scale), t, cs)).emit(t, x);
        MilVar add = c.op("add", n).in("x", mul)
                .in("y", c.constant(n, "shift", Tensor.ofFloats(Shape.of(cs), shift), t, cs)).emit(t, x);
        c.bind(n, 0, add);
    }
}
