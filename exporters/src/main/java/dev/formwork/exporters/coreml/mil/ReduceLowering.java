package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.ir.op.ReduceOps;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * ReduceMean / ReduceSum / ReduceMax -> {@code reduce_mean} / {@code reduce_sum} /
 * {@code reduce_max} with non-negative sorted axes and an explicit keep_dims (MIL's default is
 * false, the IR's true).
 */
final class ReduceLowering {
    private ReduceLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("ReduceMean", (n, c) -> reduce("reduce_mean", n, c));
        t.put("ReduceSum", (n, c) -> reduce("reduce_sum", n, c));
        t.put("ReduceMax", (n, c) -> reduce("reduce_max", n, c));
    }

    static void reduce(String type, Node n, MilContext c) {
        DataType t = c.computeType(n);
        int[] a = ReduceOps.reducedAxes(n);
        MilOp op = c.op(type, n).in("x", c.input(n, 0, t)).ints("axes", a).bool("keep_dims", n.i("keepdims") != 0);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
