package dev.formwork.exporters.coreml.mil;

import dev.formwork.exporters.MaxPoolAttrs;
import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * AveragePool -> {@code avg_pool}. PyTorch's count_include_pad=False (IR count_include_pad 0)
 * is {@code exclude_padding_from_average = true}: the divisor counts only in-image positions.
 * MaxPool (1 or 2 spatial axes) -> {@code max_pool} with pad_type custom: padded positions never
 * win in either, so explicit pads carry over as they are; MIL's pad order is begin/end per axis
 * where the IR's is all begins then all ends.
 */
final class PoolLowering {
    private PoolLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("AveragePool", MilLowering.of(PoolLowering::avgPool, (n, s) -> MilLowerings.nchwOnly(n)));
        t.put("MaxPool", MilLowering.of(PoolLowering::maxPool, (n, s) -> checkMaxPool(n)));
    }

    static void avgPool(Node n, MilContext c) {
        DataType t = c.computeType(n);
        int[] p = n.intArray("pads");
        MilOp op = c.op("avg_pool", n).in("x", c.input(n, 0, t))
                .ints("kernel_sizes", n.intArray("kernel")).ints("strides", n.intArray("strides"))
                .str("pad_type", "custom").ints("pad", p[0], p[2], p[1], p[3])
                .bool("exclude_padding_from_average", n.i("count_include_pad") == 0).bool("ceil_mode", false);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }

    /** 3-D pooling and dilations have no form the executor (1-D/2-D) and MIL (no dilations) share. */
    static void checkMaxPool(Node n) {
        int spatial = n.input(0).shape().rank() - 2;
        if (spatial != 1 && spatial != 2) throw MilContext.refuse(n, "max_pool is written for 1 or 2 spatial axes, input has " + spatial);
        MaxPoolAttrs a = MaxPoolAttrs.of(n);
        if (a.dilated()) throw MilContext.refuse(n, "max_pool has no dilations, node has " + java.util.Arrays.toString(a.dilations()));
    }

    static void maxPool(Node n, MilContext c) {
        DataType t = c.computeType(n);
        MaxPoolAttrs a = MaxPoolAttrs.of(n);
        int[] pad = new int[2 * a.spatial()];
        for (int i = 0; i < a.spatial(); i++) {
            pad[2 * i] = a.begin(i);
            pad[2 * i + 1] = a.end(i);
        }
        MilOp op = c.op("max_pool", n).in("x", c.input(n, 0, t)).ints("kernel_sizes", a.kernel()).ints("strides", a.strides())
                .str("pad_type", "custom").ints("pad", pad).bool("ceil_mode", false);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
