package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/** ReduceMean -> {@code reduce_mean} with non-negative axes and an explicit keep_dims. */
final class ReduceLowering {
    private ReduceLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("ReduceMean", ReduceLowering::reduceMean);
    }

    static void reduceMean(Node n, MilContext c) {
        DataType t = c.computeType(n);
        Shape x = n.input(0).shape();
        long[] axes = n.ints("axes");
        int[] a = new int[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = x.axis((int) axes[i]);
        java.util.Arrays.sort(a);
        MilOp op = c.op("reduce_mean", n).in("x", c.input(n, 0, t)).ints("axes", a).bool("keep_dims", n.i("keepdims") != 0);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
