package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * AveragePool -> {@code avg_pool}. PyTorch's count_include_pad=False (IR count_include_pad 0)
 * is {@code exclude_padding_from_average = true}: the divisor counts only in-image positions.
 */
final class PoolLowering {
    private PoolLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("AveragePool", MilLowering.of(PoolLowering::avgPool, (n, s) -> MilLowerings.nchwOnly(n)));
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
}
